package dev.meshdns.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void plainTextIsOnlyQuoted() {
        assertThat(Json.quote("web.shop.mesh.")).isEqualTo("\"web.shop.mesh.\"");
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscaped() {
        assertThat(Json.quote("a\"b\\c\nd\te\u0001f\u2028"))
                .isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0001f\\u2028\"");
    }

    @Test
    void nonAsciiPassesThrough() {
        assertThat(Json.quote("bücher")).isEqualTo("\"bücher\"");
    }
}
