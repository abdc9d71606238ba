package dev.meshdns.vip.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PostgresUrlTest {

    @Test
    void maskHidesPasswordParametersAndUserInfo() {
        assertThat(PostgresUrl.mask("jdbc:postgresql://h/db?user=u&password=p&x=1"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&x=1");
        assertThat(PostgresUrl.mask("jdbc:postgresql://h/db?PASSWORD=p"))
                .isEqualTo("jdbc:postgresql://h/db?PASSWORD=***");
        assertThat(PostgresUrl.mask("jdbc:postgresql://u:p@h:5432/db"))
                .isEqualTo("jdbc:postgresql://u:***@h:5432/db");
        assertThat(PostgresUrl.mask("jdbc:postgresql://[::1]:5432/db?user=u"))
                .isEqualTo("jdbc:postgresql://[::1]:5432/db?user=u");
        assertThat(PostgresUrl.mask(null)).isNull();
    }

    @Test
    void maskHidesAPasswordUpToTheNextParameterSemicolonsIncluded() {
        // The driver splits parameters at '&' only: a ';' belongs to the password.
        assertThat(PostgresUrl.mask("jdbc:postgresql://h/db?password=se;cret&user=u"))
                .isEqualTo("jdbc:postgresql://h/db?password=***&user=u");
    }

    @Test
    void parsedUrlIsDescribedAsHostPortDatabaseWithoutThePassword() {
        PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://db.example:5433/meshdns?user=u&password=s3cret");

        assertThat(url.described()).isEqualTo("db.example:5433/meshdns");
        assertThat(url).hasToString("db.example:5433/meshdns");
    }
}
