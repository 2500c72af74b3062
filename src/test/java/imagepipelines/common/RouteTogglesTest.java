package imagepipelines.common;

import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.OPERATOR_TOKEN;
import static imagepipelines.testsupport.TestPipelines.PARKINGLOT;
import static imagepipelines.testsupport.TestPipelines.SERVING;
import static imagepipelines.testsupport.TestPipelines.await;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.PipelinesApp;
import imagepipelines.bench.IngestBenchmark;
import imagepipelines.testsupport.S3Events;
import imagepipelines.testsupport.TestPipelines;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Route toggles across two replicas (two applications, each its own Camel context and HTTP server, on one embedded
 * S3/SQS stack): a toggle through one replica's HTTP API or the CLI is followed by the other within 10 s; a stopped
 * SQS intake leaves a sent message on the queue, also across a restart; starting it again processes the message.
 */
class RouteTogglesTest {

    static final String INTAKE = "ingest-intake-s3-events";
    static final String QUEUE = "animl-ingest-events-test";

    @TempDir
    static Path dir;
    static TestPipelines a;
    static PipelinesApp b;
    static Map<String, String> bProps;
    static int bPort;
    static String queueUrl;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> sqs = Map.of("ingest.intake.poll.enabled", "false", "ingest.intake.sqs.enabled", "true",
                "pipelines.local.queues", QUEUE, "ingest.workers", "1", "ingest.queue.wait-seconds", "1");
        a = TestPipelines.start(dir, sqs);
        bProps = new LinkedHashMap<>(sqs);
        bProps.put("pipelines.stage", "test");
        bProps.put("pipelines.scratch-dir", dir.resolve("scratch-b").toString());
        bProps.put("pipelines.operator.secret", OPERATOR_TOKEN);
        bPort = TestPipelines.freePort();
        bProps.put("camel.server.port", String.valueOf(bPort));
        bProps.put("camel.management.port", String.valueOf(bPort));
        b = PipelinesApp.start(new Settings("local"), bProps, a.stack);
        queueUrl = a.stack.sqs().getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        if (b != null) {
            b.close();
        }
        a.close();
    }

    @Test
    void stoppedIntakeLeavesItsMessageOnTheQueueOnEveryReplicaAcrossARestartUntilStartedAgain() throws Exception {
        assertEquals(ServiceStatus.Started, status(b.context(), INTAKE));

        // without the operator token: refused, nothing recorded
        String before = togglesObject();
        assertEquals(401, put(a.httpPort, "ingest-intake-*", "stop", null).statusCode());
        assertEquals(before, togglesObject());

        long t0 = System.nanoTime();
        HttpResponse<String> r = put(a.httpPort, "ingest-intake-*", "stop", OPERATOR_TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(ServiceStatus.Stopped, status(a.app.context(), INTAKE), "the replica that was asked: at once");
        await("replica b follows", Duration.ofSeconds(10), () -> status(b.context(), INTAKE) == ServiceStatus.Stopped);
        System.out.printf("route toggle propagation to the other replica: %.2f s%n", (System.nanoTime() - t0) / 1e9);

        // a message sent now stays on the queue: nobody consumes it
        String key = "toggles/cam 1.jpg";
        a.put(INGESTION, key, IngestBenchmark.withComment(resource("/camera-trap/reconyx_hc550_small.jpg"), "toggles"));
        a.stack.sqs().sendMessage(m -> m.queueUrl(queueUrl).messageBody(
                S3Events.notification(INGESTION, key)));
        Thread.sleep(3000);
        assertEquals(1, visibleMessages(), "the message waits on the queue");
        assertEquals(List.of(), a.keys(SERVING));

        // list shows id, workflow, desired and actual state
        List<Map<String, Object>> rows = list(bPort);
        Map<String, Object> row = rows.stream().filter(x -> INTAKE.equals(x.get("id"))).findFirst().orElseThrow();
        assertEquals("ingest", row.get("workflow"));
        assertEquals("stopped", row.get("desired"));
        assertEquals("stopped", row.get("actual"));
        assertEquals("ingest-intake-*", row.get("toggle"));
        assertTrue(rows.stream().noneMatch(x -> "route-toggles-poll".equals(x.get("id"))), "control plane not listed");

        // a restarted replica comes up with the intake stopped and takes nothing
        b.close();
        b = PipelinesApp.start(new Settings("local"), bProps, a.stack);
        assertEquals(ServiceStatus.Stopped, status(b.context(), INTAKE), "restarted replica keeps the toggle");
        Thread.sleep(2000);
        assertEquals(1, visibleMessages(), "still waiting after the restart");

        // started again through the CLI (a separate process, token from the environment): the message is processed
        t0 = System.nanoTime();
        String out = cli(a.httpPort, OPERATOR_TOKEN, "routes", "start", "ingest-intake-*");
        assertTrue(out.contains("\"desired\":\"started\""), out);
        await("replica b started", Duration.ofSeconds(10), () -> status(b.context(), INTAKE) == ServiceStatus.Started);
        System.out.printf("route start propagation to the other replica: %.2f s%n", (System.nanoTime() - t0) / 1e9);
        await("message processed", Duration.ofSeconds(60), () -> a.keys(SERVING).size() == 3);
        await("queue drained", Duration.ofSeconds(20), () -> visibleMessages() == 0);
        // the poll intake, off by configuration, stays off although the pattern matches it
        assertEquals(ServiceStatus.Stopped, status(a.app.context(), "ingest-intake-poll-bucket"));
        assertEquals(ServiceStatus.Stopped, status(b.context(), "ingest-intake-poll-bucket"));
        assertTrue(cli(a.httpPort, null, "routes", "list").contains(INTAKE));
    }

    @Test
    void suspendedWorkflowIsSuspendedOnBothReplicasAndResumes() throws Exception {
        assertEquals(200, put(bPort, "ingest", "suspend", OPERATOR_TOKEN).statusCode());
        await("a suspended", Duration.ofSeconds(10), () -> status(a.app.context(), "ingest-process-image") == ServiceStatus.Suspended);
        assertEquals(ServiceStatus.Suspended, status(b.context(), "ingest-process-image"));
        // the operator's HTTP endpoints of the workflow stay usable
        assertEquals(ServiceStatus.Started, status(a.app.context(), "ingest-maintenance-on"));
        assertEquals(200, put(bPort, "ingest", "resume", OPERATOR_TOKEN).statusCode());
        await("a resumed", Duration.ofSeconds(10), () -> status(a.app.context(), "ingest-process-image") == ServiceStatus.Started);
        assertEquals(ServiceStatus.Started, status(b.context(), "ingest-process-image"));
        assertEquals(400, put(bPort, "ingest", "explode", OPERATOR_TOKEN).statusCode());
    }

    @Test
    void maintenanceReplayLeavesTheRouteTogglesObjectInTheParkingLot() throws Exception {
        assertEquals(200, put(a.httpPort, "faces", "stop", OPERATOR_TOKEN).statusCode());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + a.httpPort + "/maintenance/replay")).header("Authorization", "Bearer " + OPERATOR_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(togglesObject().contains("\"faces\" : \"stopped\""), togglesObject());
        assertEquals(List.of(), a.keys(INGESTION).stream().filter(k -> k.startsWith("_control/")).toList());
    }

    static String togglesObject() {
        return a.keys(PARKINGLOT).contains("_control/route-toggles.json")
                ? new String(a.get(PARKINGLOT, "_control/route-toggles.json"), StandardCharsets.UTF_8) : "";
    }

    static ServiceStatus status(CamelContext c, String id) {
        return c.getRouteController().getRouteStatus(id);
    }

    int visibleMessages() {
        Map<String, String> attrs = a.stack.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl)
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings();
        return Integer.parseInt(attrs.get("ApproximateNumberOfMessages"))
                + Integer.parseInt(attrs.get("ApproximateNumberOfMessagesNotVisible"));
    }

    static HttpResponse<String> put(int port, String target, String action, String token) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/routes/" + target
                + "/" + action)).PUT(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<Map<String, Object>> list(int port) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/routes")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return new ObjectMapper().readValue(body, new TypeReference<>() { });
    }

    static String cli(int port, String token, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "imagepipelines.cli.Cli"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--url", "http://127.0.0.1:" + port));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().remove(OperatorSecret.ENV);
        pb.environment().remove("PIPELINES_LOCAL_DATA_DIR");
        if (token != null) {
            pb.environment().put(OperatorSecret.ENV, token);
        }
        Process proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.waitFor(), out);
        return out;
    }
}
