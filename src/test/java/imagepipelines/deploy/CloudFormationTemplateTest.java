package imagepipelines.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ecs/image-pipelines.yaml: references resolve, variables are application keys, queues and roles fit the app. */
class CloudFormationTemplateTest {

    private static final Path TEMPLATE = Path.of("ecs/image-pipelines.yaml");
    private static final Set<String> PSEUDO = Set.of("AWS::AccountId", "AWS::Region", "AWS::Partition",
            "AWS::StackName", "AWS::StackId", "AWS::URLSuffix", "AWS::NoValue", "AWS::NotificationARNs");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

    private static Map<String, Object> template;
    private static Map<String, Object> resources;
    private static Map<String, Object> parameters;

    @BeforeAll
    static void load() throws Exception {
        template = CloudFormationTemplate.load(TEMPLATE);
        resources = map(template.get("Resources"));
        parameters = map(template.get("Parameters"));
    }

    @Test
    void everyRefGetAttSubVariableAndDependsOnResolvesToAResourceOrParameter() {
        List<String> unresolved = new ArrayList<>();
        walk(template, "", unresolved);
        for (Map.Entry<String, Object> r : resources.entrySet()) {
            Object dependsOn = map(r.getValue()).get("DependsOn");
            for (Object d : dependsOn instanceof List<?> l ? l : dependsOn == null ? List.of() : List.of(dependsOn)) {
                if (!resources.containsKey(d)) {
                    unresolved.add(r.getKey() + " DependsOn " + d);
                }
            }
        }
        assertTrue(unresolved.isEmpty(), "unresolved references: " + unresolved);
        assertTrue(count(template, "Ref") > 20, "the loader must turn !Ref into Ref");
    }

    @Test
    void theCheckerCatchesAReferenceToNothing() {
        List<String> unresolved = new ArrayList<>();
        walk(Map.of("X", Map.of("Ref", "NoSuchThing"), "Y", Map.of("Fn::GetAtt", List.of("Nope", "Arn")),
                "Z", Map.of("Fn::Sub", "arn:${AWS::Partition}:s3:::${Missing}-${Stage}")), "", unresolved);
        assertEquals(3, unresolved.size(), unresolved.toString());
    }

    @Test
    void everyEnvironmentVariableIsAnApplicationKeyAndSecretsComeFromSecretsManager() throws Exception {
        ApplicationKeys keys = ApplicationKeys.ofProject();
        Set<String> workflows = new HashSet<>();
        for (Map<String, Object> c : containers()) {
            Map<String, String> env = new HashMap<>();
            for (Object e : list(c.get("Environment"))) {
                String name = (String) map(e).get("Name");
                assertTrue(keys.known(name), name + " is not an application key in environment form");
                assertFalse(ApplicationKeys.secret(name), name + " is a secret: use Secrets, not Environment");
                env.put(name, String.valueOf(map(e).get("Value")));
            }
            List<Object> secrets = list(c.get("Secrets"));
            assertFalse(secrets.isEmpty(), "each workflow has its secret");
            for (Object s : secrets) {
                String name = (String) map(s).get("Name");
                assertTrue(keys.known(name), name + " is not an application key in environment form");
                assertTrue(ApplicationKeys.secret(name), name);
            }
            assertEquals("prod", env.get("CAMEL_MAIN_PROFILE"));
            workflows.add(env.get("PIPELINES_WORKFLOWS"));
            int stop = Integer.parseInt((String) c.get("StopTimeout"));
            int shutdown = Integer.parseInt(env.get("CAMEL_MAIN_SHUTDOWN_TIMEOUT"));
            assertTrue(stop <= 120, "Fargate's stopTimeout is at most 120 s");
            assertTrue(shutdown + 5 <= stop, "Camel's shutdown " + shutdown + " s must end before stopTimeout " + stop);
            assertEquals("true", c.get("ReadonlyRootFilesystem"));
            assertFalse(String.valueOf(c.get("User")).equals("0") || String.valueOf(c.get("User")).equals("root"));
            assertEquals("/tmp", map(list(c.get("MountPoints")).get(0)).get("ContainerPath"));
            assertTrue(env.get("PIPELINES_SCRATCH_DIR").startsWith("/tmp/"));
            assertEquals("awslogs", map(c.get("LogConfiguration")).get("LogDriver"));
            assertTrue(list(map(c.get("HealthCheck")).get("Command")).contains("/app/bin/healthcheck"));
        }
        assertEquals(Set.of("ingest", "aerial", "faces"), workflows);
    }

    @Test
    void queuesHaveTheApplicationsNamesAndVisibilityAndRedriveToTheirDeadLetterQueues() throws Exception {
        Properties p = KubernetesManifestsTest.defaults();
        for (String[] q : new String[][] {{"IngestQueue", "ingest"}, {"AerialQueue", "aerial"}, {"FacesQueue", "faces"}}) {
            Map<String, Object> props = map(map(resources.get(q[0])).get("Properties"));
            String name = KubernetesManifestsTest.resolve(p, q[1] + ".queue", "${Stage}");
            assertEquals(name, map(props.get("QueueName")).get("Fn::Sub"));
            assertEquals(p.getProperty(q[1] + ".queue.visibility-seconds"), props.get("VisibilityTimeout"));
            Map<String, Object> redrive = map(props.get("RedrivePolicy"));
            String dlq = (String) list(map(redrive.get("deadLetterTargetArn")).get("Fn::GetAtt")).get(0);
            assertEquals(name + "-dlq", map(map(map(resources.get(dlq)).get("Properties")).get("QueueName")).get("Fn::Sub"));
        }
    }

    @Test
    void bucketsSendTheirEventsToQueuesWhosePolicyLetsExactlyThatBucketSend() {
        for (String[] b : new String[][] {{"IngestionBucket", "IngestQueue"}, {"AerialBucket", "AerialQueue"}}) {
            Map<String, Object> props = map(map(resources.get(b[0])).get("Properties"));
            Map<String, Object> qc = map(list(map(props.get("NotificationConfiguration")).get("QueueConfigurations")).get(0));
            assertEquals(List.of(b[1], "Arn"), map(qc.get("Queue")).get("Fn::GetAtt"));
            String bucketName = (String) map(props.get("BucketName")).get("Fn::Sub");
            Map.Entry<String, Object> policy = resources.entrySet().stream()
                    .filter(r -> "AWS::SQS::QueuePolicy".equals(map(r.getValue()).get("Type")))
                    .filter(r -> list(map(map(r.getValue()).get("Properties")).get("Queues")).contains(Map.of("Ref", b[1])))
                    .findFirst().orElse(null);
            assertNotNull(policy, "no queue policy lets S3 send to " + b[1]);
            Map<String, Object> st = map(list(map(map(map(policy.getValue()).get("Properties")).get("PolicyDocument"))
                    .get("Statement")).get(0));
            assertEquals(Map.of("Service", "s3.amazonaws.com"), st.get("Principal"));
            assertEquals("sqs:SendMessage", st.get("Action"));
            String source = (String) map(map(map(st.get("Condition")).get("ArnEquals")).get("aws:SourceArn")).get("Fn::Sub");
            assertEquals("arn:${AWS::Partition}:s3:::" + bucketName, source);
            assertEquals(policy.getKey(), map(resources.get(b[0])).get("DependsOn"),
                    "the bucket's notification is checked by S3 when set: the policy must exist first");
        }
    }

    @Test
    void taskRolesGrantNoWildcardActionsOrResources() {
        for (Map.Entry<String, Object> r : resources.entrySet()) {
            if (!"AWS::IAM::Role".equals(map(r.getValue()).get("Type"))) {
                continue;
            }
            for (Object pol : list(map(map(r.getValue()).get("Properties")).get("Policies"))) {
                for (Object st : list(map(map(pol).get("PolicyDocument")).get("Statement"))) {
                    Object action = map(st).get("Action");
                    Object resource = map(st).get("Resource");
                    assertFalse(String.valueOf(action).contains("*"), r.getKey() + " grants " + action);
                    assertFalse("*".equals(resource) || (resource instanceof List<?> l && l.contains("*")),
                            r.getKey() + " grants on every resource");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void walk(Object node, String path, List<String> unresolved) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                Object v = e.getValue();
                if (k.equals("Ref") && !known(String.valueOf(v))) {
                    unresolved.add(path + ": Ref " + v);
                } else if (k.equals("Fn::GetAtt")) {
                    Object target = v instanceof List<?> l ? l.get(0) : String.valueOf(v).split("\\.")[0];
                    if (resources == null || !resources.containsKey(target)) {
                        unresolved.add(path + ": GetAtt " + target);
                    }
                } else if (k.equals("Fn::Sub")) {
                    String text = v instanceof List<?> l ? String.valueOf(l.get(0)) : String.valueOf(v);
                    Set<String> local = v instanceof List<?> l && l.size() > 1 ? map(l.get(1)).keySet() : Set.of();
                    Matcher sm = SUB_VARIABLE.matcher(text);
                    while (sm.find()) {
                        String var = sm.group(1);
                        String target = var.contains(".") && !var.startsWith("AWS::") ? var.split("\\.")[0] : var;
                        boolean ok = local.contains(var) || (var.contains(".") && resources != null
                                && resources.containsKey(target)) || (!var.contains(".") && known(var));
                        if (!ok) {
                            unresolved.add(path + ": Sub ${" + var + "}");
                        }
                    }
                }
                walk(v, path + "/" + k, unresolved);
            }
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                walk(l.get(i), path + "/" + i, unresolved);
            }
        }
    }

    private static boolean known(String name) {
        return PSEUDO.contains(name) || (parameters != null && parameters.containsKey(name))
                || (resources != null && resources.containsKey(name));
    }

    private static int count(Object node, String key) {
        int n = 0;
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                n += (key.equals(e.getKey()) ? 1 : 0) + count(e.getValue(), key);
            }
        } else if (node instanceof List<?> l) {
            for (Object o : l) {
                n += count(o, key);
            }
        }
        return n;
    }

    private static List<Map<String, Object>> containers() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object r : resources.values()) {
            if ("AWS::ECS::TaskDefinition".equals(map(r).get("Type"))) {
                for (Object c : list(map(map(r).get("Properties")).get("ContainerDefinitions"))) {
                    out.add(map(c));
                }
            }
        }
        assertEquals(3, out.size(), "three task definitions, one container each");
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertTrue(o instanceof Map, "expected a mapping: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o == null ? List.of() : o instanceof List ? (List<Object>) o : List.of(o);
    }
}
