package imagepipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.testsupport.ChildJvm;
import imagepipelines.testsupport.LocalStackProcess;
import imagepipelines.testsupport.S3Events;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Route toggles between real processes: {@code local-stack} in one JVM, two application replicas ({@code run}) in
 * two more, all separate. A toggle through one replica's operator API (or the CLI, a fourth process) must be
 * followed by the other replica within 10 s, and a stopped intake must leave its messages on the queue.
 */
class TogglesAcrossProcessesTest {

    static final String INTAKE = "ingest-intake-s3-events";
    static final String STAGE = "ingest-process-image";
    static final String QUEUE = "animl-ingest-events-local";
    static final String INGESTION = "animl-images-ingestion-local";
    static final String SERVING = "animl-images-serving-local";
    static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static LocalStackProcess stack;
    static ChildJvm a;
    static ChildJvm b;
    static int portA;
    static int portB;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStackProcess.start(dir);
        portA = TestPipelines.freePort();
        portB = TestPipelines.freePort();
        a = ChildJvm.start(dir, "replica-a", List.of("run"), env(portA, "a"));
        b = ChildJvm.start(dir, "replica-b", List.of("run"), env(portB, "b"));
        a.awaitReady(portA, Duration.ofSeconds(180));
        b.awaitReady(portB, Duration.ofSeconds(180));
    }

    static Map<String, String> env(int port, String name) {
        Map<String, String> env = stack.appEnv(port, dir.resolve("scratch-" + name));
        env.put("PIPELINES_WORKFLOWS", "ingest");
        env.put("INGEST_INTAKE_SQS_ENABLED", "true");
        env.put("INGEST_INTAKE_POLL_ENABLED", "false");
        env.put("BULK_TRACK_ENABLED", "false");
        return env;
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, stack}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void toggleThroughOneReplicaIsFollowedByTheOtherAndAStoppedIntakeLeavesMessagesOnTheQueue() throws Exception {
        assertEquals("started", actual(portB, INTAKE));

        // stop through A's operator API: B follows
        long t0 = System.nanoTime();
        HttpResponse<String> r = put(portA, INTAKE, "stop");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("stopped", actual(portA, INTAKE), "A applies at once");
        double stopDelay = awaitState(portB, INTAKE, "stopped", t0);

        // a message arriving while the intake is stopped everywhere stays on the queue
        stack.s3().putObject(p -> p.bucket(INGESTION).key("cam/while-stopped.jpg"),
                RequestBody.fromBytes(TestPipelines.resource("/camera-trap/reconyx_hc550_small.jpg")));
        String url = stack.queueUrl(QUEUE);
        stack.sqs().sendMessage(m -> m.queueUrl(url).messageBody(S3Events.notification(INGESTION, "cam/while-stopped.jpg")));
        Thread.sleep(5000);
        assertEquals("1", queueAttribute(url, "ApproximateNumberOfMessages"), "the message waits, visible, on the queue");
        assertEquals("0", queueAttribute(url, "ApproximateNumberOfMessagesNotVisible"), "nobody received it");
        assertTrue(stack.s3().listObjectsV2(l -> l.bucket(SERVING)).contents().isEmpty(), "nothing processed");

        // start through the CLI (its own process) pointed at B: A follows, and the waiting message is processed
        long t1 = System.nanoTime();
        String out = cli(portB, "routes", "start", INTAKE);
        long cliDone = System.nanoTime();
        assertTrue(out.contains("started"), out);
        double startDelay = awaitState(portA, INTAKE, "started", t1);
        double afterCli = (System.nanoTime() - cliDone) / 1e9;
        TestPipelines.await("the waiting message processed after start", Duration.ofSeconds(60),
                () -> stack.s3().listObjectsV2(l -> l.bucket(SERVING)).contents().stream()
                        .anyMatch(o -> o.key().startsWith("original/")));
        TestPipelines.await("the message deleted", Duration.ofSeconds(30),
                () -> "0".equals(queueAttribute(url, "ApproximateNumberOfMessages"))
                        && "0".equals(queueAttribute(url, "ApproximateNumberOfMessagesNotVisible")));

        // suspend the whole workflow through B; A follows; then resume
        long t2 = System.nanoTime();
        assertEquals(200, put(portB, "ingest", "suspend").statusCode());
        double suspendDelay = awaitState(portA, STAGE, "suspended", t2);
        // the intake keeps its own toggle ("started" by its exact id, above): an exact id wins over its workflow
        assertEquals("started", actual(portA, INTAKE));
        long t3 = System.nanoTime();
        assertEquals(200, put(portB, "ingest", "resume").statusCode());
        double resumeDelay = awaitState(portA, STAGE, "started", t3);
        awaitState(portA, INTAKE, "started", t3);

        System.out.printf(Locale.ROOT, "toggle propagation between processes (poll 3 s): stop via A's API -> B %.2f s;"
                + " start via CLI at B -> A %.2f s from the CLI's launch (%.2f s after the CLI returned); suspend workflow via B"
                + " -> A %.2f s; resume -> A %.2f s%n", stopDelay, startDelay, afterCli, suspendDelay, resumeDelay);
        assertTrue(a.isAlive() && b.isAlive());
    }

    /** Seconds from {@code t0} until the replica reports {@code state} for the route; fails after the bound. */
    static double awaitState(int port, String route, String state, long t0) throws Exception {
        while (true) {
            if (state.equals(actual(port, route))) {
                return (System.nanoTime() - t0) / 1e9;
            }
            double s = (System.nanoTime() - t0) / 1e9;
            assertFalse(s > BOUND.toSeconds(), route + " not " + state + " on port " + port + " within " + BOUND);
            Thread.sleep(50);
        }
    }

    static String actual(int port, String route) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/routes")).build(), HttpResponse.BodyHandlers.ofString()).body();
        List<Map<String, Object>> rows = new ObjectMapper().readValue(body, new TypeReference<>() { });
        return rows.stream().filter(m -> route.equals(m.get("id"))).map(m -> String.valueOf(m.get("actual")))
                .findFirst().orElseThrow(() -> new AssertionError("no route " + route + " in " + body));
    }

    static HttpResponse<String> put(int port, String target, String action) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/routes/"
                + target + "/" + action)).header("Authorization", "Bearer " + TestPipelines.OPERATOR_TOKEN)
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    String queueAttribute(String url, String name) {
        return stack.sqs().getQueueAttributes(q -> q.queueUrl(url).attributeNamesWithStrings(name))
                .attributesAsStrings().get(name);
    }

    static String cli(int port, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--url", "http://127.0.0.1:" + port));
        ChildJvm cli = ChildJvm.start(dir, "cli-" + System.nanoTime(), all,
                Map.of(OperatorSecret.ENV, TestPipelines.OPERATOR_TOKEN));
        TestPipelines.await("the CLI exits", Duration.ofSeconds(60), () -> !cli.isAlive());
        return cli.log();
    }
}
