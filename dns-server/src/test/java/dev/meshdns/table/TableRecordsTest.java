package dev.meshdns.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TableRecordsTest {
    /** Kuma's tag of a Kubernetes Service port, as the table recognised it before (by this expression). */
    private static final Pattern KUBE_SERVICE = Pattern.compile("([a-z0-9-]+)_([a-z0-9-]+)_svc_([0-9]+)");

    @Test
    void aServiceNamedNameNamespaceSvcPortHasItsKubernetesForm() {
        assertThat(TableRecords.kubeForm("frontend_kong_svc_80")).isEqualTo("frontend.kong.svc.80");
        assertThat(TableRecords.kubeForm("a-1_svc_svc_8080")).isEqualTo("a-1.svc.svc.8080");
        assertThat(TableRecords.kubeForm("backend")).isNull();
        assertThat(TableRecords.kubeForm("frontend_kong_svc_")).isNull();
        assertThat(TableRecords.kubeForm("frontend_kong_svc_80_x")).isNull();
        assertThat(TableRecords.kubeForm("_kong_svc_80")).isNull();
        assertThat(TableRecords.kubeForm("frontend__svc_80")).isNull();
        assertThat(TableRecords.kubeForm("frontend_kong_svx_80")).isNull();
        assertThat(TableRecords.kubeForm("Frontend_kong_svc_80")).isNull();
    }

    @Test
    void randomServiceNamesAreJudgedAsThePatternOfTheTagJudgesThem() {
        Random random = new Random(3);
        int kubernetesForms = 0;
        String[] pieces = {"a", "z9", "-", "_", "svc", "_svc_", "80", "S", "x_y"};
        for (int i = 0; i < 200_000; i++) {
            StringBuilder name = new StringBuilder();
            // Half of them shaped like the tag, from pieces that may break it.
            int parts = random.nextBoolean() ? 4 : 1 + random.nextInt(7);
            for (int p = 0; p < parts; p++) {
                name.append(pieces[random.nextInt(pieces.length)]);
                if (parts == 4 && p < 3) {
                    name.append(p == 1 ? "_svc_" : p == 0 ? "_" : "");
                }
            }
            String service = name.toString();
            Matcher m = KUBE_SERVICE.matcher(service);
            String expected = m.matches() ? m.group(1) + "." + m.group(2) + ".svc." + m.group(3) : null;
            assertThat(TableRecords.kubeForm(service)).as(service).isEqualTo(expected);
            kubernetesForms += expected == null ? 0 : 1;
        }
        assertThat(kubernetesForms).as("names in the Kubernetes form among them").isGreaterThan(100);
    }
}
