package imagepipelines.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * k8s/monitoring: the alert rules pass Prometheus' own {@code promtool check rules} and the unit tests of
 * tests/alerts-test.yaml ({@code promtool test rules}: each alert fires on the series it is meant for, and not
 * before its {@code for}); every query of the Grafana dashboard is valid PromQL (checked by promtool as recording
 * rules); the kustomization renders and its objects validate against the Prometheus Operator schema. That every
 * metric they name exists in a real scrape is MetricsScrapeTest's. promtool: Debian's {@code prometheus} package
 * (bin/setup).
 */
class MonitoringRulesTest {

    static final Path DIR = Path.of("k8s/monitoring");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The PrometheusRule's spec is a Prometheus rules file. */
    Path rulesFile() throws Exception {
        Map<?, ?> rule = (Map<?, ?>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(DIR.resolve("prometheusrule.yaml")));
        assertEquals("PrometheusRule", rule.get("kind"));
        return writeYaml("pipelines-alerts.rules.yaml", rule.get("spec"));
    }

    Path writeYaml(String name, Object value) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, new Dump(DumpSettings.builder().build()).dumpToString(value));
        return f;
    }

    @Test
    void alertRulesPassPromtoolCheckAndTheirUnitTests() throws Exception {
        Path rules = rulesFile();
        KubernetesManifestsTest.Run check = KubernetesManifestsTest.run(List.of("promtool", "check", "rules", rules.toString()), Map.of(), 60);
        assertEquals(0, check.code(), check.out());
        assertTrue(check.out().contains("SUCCESS: 7 rules found"), check.out());
        Path tests = Files.copy(DIR.resolve("tests/alerts-test.yaml"), tmp.resolve("alerts-test.yaml"));
        KubernetesManifestsTest.Run test = KubernetesManifestsTest.run(List.of("promtool", "test", "rules", tests.toString()), Map.of(), 60);
        assertEquals(0, test.code(), test.out());
        List<String> alerts = new ArrayList<>();
        Map<?, ?> spec = (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(rules));
        for (Object r : (List<?>) ((Map<?, ?>) ((List<?>) spec.get("groups")).get(0)).get("rules")) {
            alerts.add(String.valueOf(((Map<?, ?>) r).get("alert")));
        }
        String unitTests = Files.readString(tests);
        for (String a : alerts) {
            assertTrue(unitTests.contains("alertname: " + a), a + " has no promtool unit test");
        }
        // the alerts the issue asks for
        assertTrue(alerts.containsAll(List.of("PipelinesDeadLetterQueueNotEmpty", "PipelinesBacklogOld",
                "PipelinesErrorRateHigh", "PipelinesAnimlApiKeyRejected", "PipelinesNotReady")), alerts.toString());
    }

    @Test
    void everyDashboardQueryIsValidPromql() throws Exception {
        JsonNode dashboard = JSON.readTree(DIR.resolve("grafana-dashboard.json").toFile());
        List<Map<String, String>> records = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertTrue(!expr.isBlank(), panel.path("title").asText());
                Map<String, String> r = new LinkedHashMap<>();
                r.put("record", "dashboard:panel_" + panel.path("id").asText() + "_" + target.path("refId").asText());
                r.put("expr", expr);
                records.add(r);
            }
        }
        assertTrue(records.size() >= 15, "queries: " + records.size());
        Path f = writeYaml("dashboard.rules.yaml", Map.of("groups", List.of(Map.of("name", "dashboard", "rules", records))));
        KubernetesManifestsTest.Run check = KubernetesManifestsTest.run(List.of("promtool", "check", "rules", f.toString()), Map.of(), 60);
        assertEquals(0, check.code(), check.out());
    }

    @Test
    void kustomizationRendersAndValidatesAgainstThePrometheusOperatorSchema() throws Exception {
        KubernetesManifestsTest.Run r = KubernetesManifestsTest.run(List.of("kubectl", "kustomize", DIR.toString()), Map.of(), 60);
        assertEquals(0, r.code(), r.out());
        ArrayNode objects = JSON.createArrayNode();
        for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(r.out())) {
            if (doc != null) {
                objects.add(JSON.valueToTree(doc));
            }
        }
        Path file = tmp.resolve("monitoring.json");
        JSON.writeValue(file.toFile(), objects);
        KubernetesManifestsTest.Run v = KubernetesManifestsTest.run(List.of("node", "src/test/k8s/validate-manifests.cjs",
                file.toString()), Map.of("NODE_PATH", KubernetesManifestsTest.schemaModules().toString()), 120);
        assertEquals(0, v.code(), v.out());
        assertTrue(v.out().contains("OK monitoring.coreos.com/v1 PrometheusRule image-pipelines"), v.out());
        assertTrue(v.out().contains("OK v1 ConfigMap image-pipelines-dashboard"), v.out());
        JsonNode cm = objects.get(0).path("kind").asText().equals("ConfigMap") ? objects.get(0) : objects.get(1);
        assertEquals("1", cm.at("/metadata/labels/grafana_dashboard").asText());
        // the dashboard in the ConfigMap is the file, intact
        assertEquals(JSON.readTree(DIR.resolve("grafana-dashboard.json").toFile()),
                JSON.readTree(cm.at("/data/grafana-dashboard.json").asText()));
    }
}
