package imagepipelines.common;

import static imagepipelines.testsupport.TestPipelines.DEADLETTER;
import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.PARKINGLOT;
import static imagepipelines.testsupport.TestPipelines.SERVING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import imagepipelines.local.LocalStack;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application as a separate process with the production intake (SQS long polling) on the embedded stack of this
 * JVM, stopped with SIGTERM ({@link Process#destroy()}), as Kubernetes and ECS stop a container.
 */
class SigtermShutdownTest {

    static final String QUEUE = "animl-ingest-events-test";

    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(dir.resolve("local"));
        stack.createBuckets(List.of(INGESTION, SERVING, PARKINGLOT, DEADLETTER));
        LocalStack.createQueueWithDeadLetter(stack.sqs(), QUEUE, 5, 720);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    /** The app's main class in a child JVM, configured through environment variables only (as in a container). */
    static Process startApp(int port, Map<String, String> extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "imagepipelines.cli.Cli", "run"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("app-" + port + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("CAMEL_MAIN_PROFILE", "local");
        env.put("PIPELINES_LOCAL_ENABLED", "false");
        env.put("PIPELINES_STAGE", "test");
        env.put("PIPELINES_WORKFLOWS", "ingest");
        env.put("PIPELINES_SCRATCH_DIR", dir.resolve("scratch").toString());
        env.put("PIPELINES_OPERATOR_SECRET", TestPipelines.OPERATOR_TOKEN);
        env.put("CAMEL_SERVER_PORT", String.valueOf(port));
        env.put("CAMEL_MANAGEMENT_PORT", String.valueOf(port));
        env.put("INGEST_INTAKE_SQS_ENABLED", "true");
        env.put("INGEST_INTAKE_POLL_ENABLED", "false");
        env.put("BULK_TRACK_ENABLED", "false");
        stack.properties().forEach((k, v) -> env.put(k.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), v));
        env.putAll(extra);
        return pb.start();
    }

    static void awaitReady(Process app, int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertTrue(app.isAlive(), "the app exited during start-up: " + log(port));
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/observe/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not ready in 120 s: " + log(port));
    }

    static String log(int port) throws IOException {
        return java.nio.file.Files.readString(dir.resolve("app-" + port + ".log"));
    }

    /** Regression: an idle instance took 18 s to exit after SIGTERM (the 20 s SQS long poll it waited out). */
    @Test
    void idleInstanceWithSqsIntakeExitsWithinThreeSecondsOfSigterm() throws Exception {
        int port = TestPipelines.freePort();
        Process app = startApp(port, Map.of());
        try {
            awaitReady(app, port);
            // let every consumer be inside a long poll
            Thread.sleep(3000);
            long t0 = System.nanoTime();
            app.destroy();
            boolean exited = app.waitFor(60, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "idle instance with SQS intake: exit %.2f s after SIGTERM%n", seconds);
            assertTrue(exited, "still running 60 s after SIGTERM");
            assertTrue(seconds < 3.0, String.format(Locale.ROOT, "exit took %.2f s after SIGTERM:%n%s", seconds, log(port)));
            assertTrue(log(port).contains("shutdown"), "Camel shut down in order: " + log(port));
        } finally {
            app.destroyForcibly();
        }
    }
}
