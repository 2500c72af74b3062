package imagepipelines.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Renders each EKS overlay with {@code kubectl kustomize} (offline), validates every object against the Kubernetes,
 * KEDA and Prometheus Operator schemas (npm kubernetes-models, under Node), and checks what the schemas cannot:
 * references between the objects, the security settings, and that every environment variable is an application key.
 */
class KubernetesManifestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Schema packages, pinned; installed once into a cache folder outside the repository. */
    private static final String[] SCHEMA_PACKAGES = {"kubernetes-models@4.5.1", "@kubernetes-models/keda@0.4.2",
        "@kubernetes-models/prometheus-operator@4.4.4"};
    private static final Map<String, String> SECRET_OF_WORKFLOW = Map.of("ingest", "ANIML_API_SECRET",
            "aerial", "AERIAL_POSTGIS_PASSWORD", "faces", "FACES_INTAKE_HTTP_SECRET");
    private static final Map<String, String> QUEUE_KEY_OF_WORKFLOW = Map.of("ingest", "ingest.queue",
            "aerial", "aerial.queue", "faces", "faces.queue");

    private static Path nodeModules;
    private static ApplicationKeys keys;

    @BeforeAll
    static void schemas() throws Exception {
        keys = ApplicationKeys.ofProject();
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "image-pipelines",
                "k8s-schemas-" + Integer.toHexString(String.join(",", SCHEMA_PACKAGES).hashCode()));
        nodeModules = cache.resolve("node_modules");
        if (!Files.isDirectory(nodeModules.resolve("@kubernetes-models/prometheus-operator"))) {
            Files.createDirectories(cache);
            List<String> cmd = new ArrayList<>(List.of("npm", "install", "--prefix", cache.toString(), "--no-audit",
                    "--no-fund", "--no-save"));
            cmd.addAll(List.of(SCHEMA_PACKAGES));
            Run r = run(cmd, Map.of(), 300);
            assertEquals(0, r.code, "npm install of the schema packages failed:\n" + r.out);
        }
    }

    /** The schema packages' node_modules (installed on first use), for other manifest tests (MonitoringRulesTest). */
    static synchronized Path schemaModules() throws Exception {
        if (nodeModules == null) {
            schemas();
        }
        return nodeModules;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "aerial", "faces"})
    void overlayRendersAndEveryObjectValidatesAgainstItsSchema(String workflow) throws Exception {
        ArrayNode objects = render(workflow);
        Path file = Files.createDirectories(Path.of("target", "k8s-rendered")).resolve(workflow + ".json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), objects);
        Run r = run(List.of("node", "src/test/k8s/validate-manifests.cjs", file.toString()),
                Map.of("NODE_PATH", nodeModules.toString()), 120);
        assertEquals(0, r.code, "schema validation failed:\n" + r.out);
        for (String kind : List.of("ServiceAccount", "Deployment", "Service", "PodDisruptionBudget", "ScaledObject",
                "TriggerAuthentication", "ServiceMonitor", "NetworkPolicy", "ConfigMap")) {
            assertTrue(r.out.contains(" " + kind + " image-pipelines") || r.out.contains(" " + kind + " "),
                    kind + " missing from the " + workflow + " overlay:\n" + r.out);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "aerial", "faces"})
    void everyEnvironmentVariableIsAnApplicationKeyAndSecretsComeFromSecrets(String workflow) throws Exception {
        ArrayNode objects = render(workflow);
        JsonNode container = deployment(objects).at("/spec/template/spec/containers/0");
        Map<String, String> plain = new HashMap<>();
        List<String> fromSecrets = new ArrayList<>();
        for (JsonNode ref : container.path("envFrom")) {
            String name = ref.at("/configMapRef/name").asText();
            JsonNode cm = byKindAndName(objects, "ConfigMap", name);
            assertNotNull(cm, "envFrom names a ConfigMap the overlay does not define: " + name);
            cm.path("data").fields().forEachRemaining(e -> plain.put(e.getKey(), e.getValue().asText()));
        }
        for (JsonNode env : container.path("env")) {
            String name = env.path("name").asText();
            if (env.has("valueFrom")) {
                assertTrue(env.at("/valueFrom/secretKeyRef/name").isTextual(), name + " must come from a Secret");
                fromSecrets.add(name);
            } else {
                plain.put(name, env.path("value").asText());
            }
        }
        for (String v : plain.keySet()) {
            assertTrue(keys.known(v), v + " (" + workflow + ") is not an application key in environment form");
            assertFalse(ApplicationKeys.secret(v), v + " is a secret and must come from a Secret, not a value");
        }
        for (String v : fromSecrets) {
            assertTrue(keys.known(v), v + " (" + workflow + ") is not an application key in environment form");
        }
        assertTrue(fromSecrets.contains(SECRET_OF_WORKFLOW.get(workflow)),
                workflow + " needs " + SECRET_OF_WORKFLOW.get(workflow) + " from a Secret: " + fromSecrets);
        assertEquals(workflow, plain.get("PIPELINES_WORKFLOWS"));
        assertEquals("prod", plain.get("CAMEL_MAIN_PROFILE"));
        assertTrue(plain.get("PIPELINES_SCRATCH_DIR").startsWith("/tmp/"), "scratch must be on the /tmp emptyDir");

        // Camel's shutdown wait must end before Kubernetes kills the pod
        int grace = deployment(objects).at("/spec/template/spec/terminationGracePeriodSeconds").asInt();
        int shutdown = Integer.parseInt(plain.get("CAMEL_MAIN_SHUTDOWN_TIMEOUT"));
        assertTrue(shutdown + 5 <= grace, "shutdown timeout " + shutdown + " s must fit in the grace " + grace + " s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "aerial", "faces"})
    void podRunsNonRootReadOnlyWithoutCapabilitiesAndProbesCamelHealth(String workflow) throws Exception {
        ArrayNode objects = render(workflow);
        JsonNode pod = deployment(objects).at("/spec/template/spec");
        JsonNode c = pod.at("/containers/0");
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
        assertTrue(pod.at("/securityContext/runAsUser").asInt() > 0);
        assertTrue(c.at("/securityContext/readOnlyRootFilesystem").asBoolean());
        assertFalse(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true));
        assertEquals("ALL", c.at("/securityContext/capabilities/drop/0").asText());
        assertEquals("/observe/health/live", c.at("/startupProbe/httpGet/path").asText());
        assertEquals("/observe/health/ready", c.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/observe/health/live", c.at("/livenessProbe/httpGet/path").asText());
        assertEquals(Integer.parseInt(defaults().getProperty("camel.server.port")),
                c.at("/ports/0/containerPort").asInt(), "container port = camel.server.port");
        assertTrue(c.at("/resources/limits/memory").isTextual() && c.at("/resources/requests/cpu").isTextual());

        String tmpVolume = null;
        for (JsonNode m : c.path("volumeMounts")) {
            if (m.path("mountPath").asText().equals("/tmp")) {
                tmpVolume = m.path("name").asText();
            }
        }
        assertNotNull(tmpVolume, "a read-only root filesystem needs a writable /tmp");
        String size = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(tmpVolume)) {
                size = v.at("/emptyDir/sizeLimit").asText(null);
            }
        }
        assertNotNull(size, "/tmp must be an emptyDir with a size limit");
        if (workflow.equals("aerial")) {
            assertTrue(size.endsWith("Gi") && Integer.parseInt(size.replace("Gi", "")) >= 10,
                    "aerial scratch holds ~3x an upload: " + size);
        }
    }

    /** Today's manifests named a TriggerAuthentication no file defined and also set identityOwner: operator. */
    @ParameterizedTest
    @ValueSource(strings = {"ingest", "aerial", "faces"})
    void scaledObjectUsesTheWorkloadsIrsaRoleThroughATriggerAuthenticationThatExists(String workflow) throws Exception {
        ArrayNode objects = render(workflow);
        JsonNode deployment = deployment(objects);
        JsonNode so = only(objects, "ScaledObject");
        assertEquals(deployment.at("/metadata/name").asText(), so.at("/spec/scaleTargetRef/name").asText());
        JsonNode trigger = so.at("/spec/triggers/0");
        assertEquals("aws-sqs-queue", trigger.path("type").asText());
        assertFalse(trigger.path("metadata").has("identityOwner"), "identity comes from the TriggerAuthentication");
        JsonNode auth = byKindAndName(objects, "TriggerAuthentication", trigger.at("/authenticationRef/name").asText());
        assertNotNull(auth, "the trigger's authenticationRef must name a TriggerAuthentication in the overlay");
        assertEquals("aws", auth.at("/spec/podIdentity/provider").asText());
        assertEquals("workload", auth.at("/spec/podIdentity/identityOwner").asText());

        String queue = resolve(defaults(), QUEUE_KEY_OF_WORKFLOW.get(workflow), "prod");
        assertTrue(trigger.at("/metadata/queueURL").asText().endsWith("/" + queue),
                "KEDA must watch the queue the application reads: " + queue);

        JsonNode sa = only(objects, "ServiceAccount");
        assertEquals(sa.at("/metadata/name").asText(), deployment.at("/spec/template/spec/serviceAccountName").asText());
        assertTrue(sa.at("/metadata/annotations").path("eks.amazonaws.com/role-arn").asText()
                .endsWith("/image-pipelines-" + workflow), "one IRSA role per workflow");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "aerial", "faces"})
    void serviceDisruptionBudgetPolicyAndMonitorSelectOnlyThisWorkflowsPods(String workflow) throws Exception {
        ArrayNode objects = render(workflow);
        JsonNode podLabels = deployment(objects).at("/spec/template/metadata/labels");
        assertEquals(workflow, podLabels.path("app.kubernetes.io/component").asText());
        assertSelects(only(objects, "Service").at("/spec/selector"), podLabels);
        assertSelects(only(objects, "PodDisruptionBudget").at("/spec/selector/matchLabels"), podLabels);
        assertSelects(only(objects, "NetworkPolicy").at("/spec/podSelector/matchLabels"), podLabels);
        JsonNode service = only(objects, "Service");
        JsonNode monitor = only(objects, "ServiceMonitor");
        assertSelects(monitor.at("/spec/selector/matchLabels"), service.at("/metadata/labels"));
        assertEquals(workflow, monitor.at("/spec/selector/matchLabels").path("app.kubernetes.io/component").asText());
        assertEquals(service.at("/spec/ports/0/name").asText(), monitor.at("/spec/endpoints/0/port").asText());
        assertEquals("/observe/metrics", monitor.at("/spec/endpoints/0/path").asText());
    }

    private static void assertSelects(JsonNode selector, JsonNode labels) {
        assertTrue(selector.size() > 0, "empty selector selects everything");
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(), "selector " + selector);
        }
    }

    static Properties defaults() throws IOException {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            p.load(r);
        }
        return p;
    }

    /** A key's default with {{placeholders}} resolved, pipelines.stage given. */
    static String resolve(Properties p, String key, String stage) {
        String v = p.getProperty(key);
        for (int i = 0; i < 10 && v.contains("{{"); i++) {
            int s = v.indexOf("{{");
            int e = v.indexOf("}}", s);
            String k = v.substring(s + 2, e);
            String value = k.equals("pipelines.stage") ? stage : p.getProperty(k);
            v = v.substring(0, s) + value + v.substring(e + 2);
        }
        return v;
    }

    private static final Map<String, ArrayNode> RENDERED = new HashMap<>();

    static synchronized ArrayNode render(String workflow) throws Exception {
        if (!RENDERED.containsKey(workflow)) {
            Run r = run(List.of("kubectl", "kustomize", "k8s/overlays/" + workflow), Map.of(), 60);
            assertEquals(0, r.code, "kubectl kustomize k8s/overlays/" + workflow + " failed:\n" + r.out);
            ArrayNode objects = JSON.createArrayNode();
            for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(r.out)) {
                if (doc != null) {
                    objects.add(JSON.valueToTree(doc));
                }
            }
            RENDERED.put(workflow, objects);
        }
        return RENDERED.get(workflow);
    }

    private static JsonNode deployment(ArrayNode objects) {
        return only(objects, "Deployment");
    }

    private static JsonNode only(ArrayNode objects, String kind) {
        JsonNode found = null;
        for (JsonNode o : objects) {
            if (o.path("kind").asText().equals(kind)) {
                assertTrue(found == null, "more than one " + kind);
                found = o;
            }
        }
        assertNotNull(found, "no " + kind);
        return found;
    }

    private static JsonNode byKindAndName(ArrayNode objects, String kind, String name) {
        for (JsonNode o : objects) {
            if (o.path("kind").asText().equals(kind) && o.at("/metadata/name").asText().equals(name)) {
                return o;
            }
        }
        return null;
    }

    record Run(int code, String out) { }

    static Run run(List<String> cmd, Map<String, String> env, int timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(-1, "timed out: " + cmd);
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
