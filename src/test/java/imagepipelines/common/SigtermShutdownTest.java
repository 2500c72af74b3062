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
        env.putAll(imagepipelines.testsupport.ChildJvm.ingestWorkerEnv(stack.properties(), dir, port));
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

    /**
     * Regression: after a stop, a message still being worked on stayed invisible for its whole visibility timeout
     * (720 s). Now it is made visible again before the shutdown timeout ends, and another consumer gets it at once.
     */
    @Test
    void messageUnfinishedAtShutdownTimeoutIsReleasedForAnotherReplica() throws Exception {
        int port = TestPipelines.freePort();
        // every Animl API call hangs 60 s: the image cannot finish within the 4 s shutdown timeout
        stack.api().delayNext(1000, 60_000);
        Process app = startApp(port, Map.of("CAMEL_MAIN_SHUTDOWN_TIMEOUT", "4", "ANIML_API_TIMEOUT_SECONDS", "120"));
        try {
            awaitReady(app, port);
            String queueUrl = stack.sqs().getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
            stack.s3().putObject(r -> r.bucket(INGESTION).key("cam/stuck.jpg"), software.amazon.awssdk.core.sync
                    .RequestBody.fromBytes(TestPipelines.resource("/camera-trap/reconyx_hc550_small.jpg")));
            stack.sqs().sendMessage(r -> r.queueUrl(queueUrl)
                    .messageBody(imagepipelines.testsupport.S3Events.notification(INGESTION, "cam/stuck.jpg")));
            TestPipelines.await("the app is calling the (hanging) API", java.time.Duration.ofSeconds(60),
                    () -> stack.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                            software.amazon.awssdk.services.sqs.model.QueueAttributeName
                                    .APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes().values().stream()
                            .anyMatch("1"::equals));
            Thread.sleep(3000);
            assertTrue(stack.sqs().receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1)).messages().isEmpty(),
                    "the message is invisible while the app works on it");

            long t0 = System.nanoTime();
            app.destroy();
            assertTrue(app.waitFor(60, TimeUnit.SECONDS), "still running 60 s after SIGTERM");
            double exit = (System.nanoTime() - t0) / 1e9;
            var got = stack.sqs().receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(5)
                    .messageSystemAttributeNamesWithStrings("ApproximateReceiveCount")
                    .messageAttributeNames(SqsReleaseOnShutdown.REQUEUES_ATTRIBUTE)).messages();
            double seen = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "busy instance: exit %.2f s after SIGTERM (shutdown timeout 4 s); message"
                    + " received by another consumer %.2f s after SIGTERM%n", exit, seen);
            assertEquals(1, got.size(), "the unfinished message is visible again at once: " + log(port));
            assertTrue(log(port).contains("not finished after"), log(port));
            // regression: the stop used up one of the DLQ's 5 receives (ChangeMessageVisibility 0 keeps the count);
            // sent again as a new message, this is its first receive, and the body is the same S3 event
            assertEquals("1", got.get(0).attributesAsStrings().get("ApproximateReceiveCount"));
            assertEquals("1", got.get(0).messageAttributes().get(SqsReleaseOnShutdown.REQUEUES_ATTRIBUTE).stringValue());
            assertEquals(imagepipelines.testsupport.S3Events.notification(INGESTION, "cam/stuck.jpg"), got.get(0).body());
            stack.sqs().deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(got.get(0).receiptHandle()));
        } finally {
            app.destroyForcibly();
            stack.api().reset();
        }
    }

    /**
     * A message already sent again at 3 earlier stops (pipelines.shutdown.max-requeues) is not re-sent a 4th time: made
     * visible again, so its receive counts and a job that never fits in the grace still reaches the DLQ in the end.
     * Also shows that the intake reads the attribute from the message it receives.
     */
    @Test
    void messageAlreadyRequeuedMaxTimesIsOnlyMadeVisibleAgain() throws Exception {
        int port = TestPipelines.freePort();
        stack.api().delayNext(1000, 60_000);
        Process app = startApp(port, Map.of("CAMEL_MAIN_SHUTDOWN_TIMEOUT", "4", "ANIML_API_TIMEOUT_SECONDS", "120"));
        try {
            awaitReady(app, port);
            String queueUrl = stack.sqs().getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
            stack.s3().putObject(r -> r.bucket(INGESTION).key("cam/stuck-again.jpg"), software.amazon.awssdk.core.sync
                    .RequestBody.fromBytes(TestPipelines.resource("/camera-trap/reconyx_hc550_small.jpg")));
            stack.sqs().sendMessage(r -> r.queueUrl(queueUrl)
                    .messageBody(imagepipelines.testsupport.S3Events.notification(INGESTION, "cam/stuck-again.jpg"))
                    .messageAttributes(Map.of(SqsReleaseOnShutdown.REQUEUES_ATTRIBUTE,
                            software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder().dataType("Number")
                                    .stringValue("3").build())));
            TestPipelines.await("the app is calling the (hanging) API", java.time.Duration.ofSeconds(60),
                    () -> stack.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                            software.amazon.awssdk.services.sqs.model.QueueAttributeName
                                    .APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes().values().stream()
                            .anyMatch("1"::equals));
            app.destroy();
            assertTrue(app.waitFor(60, TimeUnit.SECONDS), "still running 60 s after SIGTERM");
            var got = stack.sqs().receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(5)
                    .messageSystemAttributeNamesWithStrings("ApproximateReceiveCount")
                    .messageAttributeNames(SqsReleaseOnShutdown.REQUEUES_ATTRIBUTE)).messages();
            assertEquals(1, got.size(), "visible again at once: " + log(port));
            assertEquals("2", got.get(0).attributesAsStrings().get("ApproximateReceiveCount"), "this stop counted");
            assertEquals("3", got.get(0).messageAttributes().get(SqsReleaseOnShutdown.REQUEUES_ATTRIBUTE).stringValue());
            assertTrue(log(port).contains("made visible again (counts as a receive)"), log(port));
            stack.sqs().deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(got.get(0).receiptHandle()));
        } finally {
            app.destroyForcibly();
            stack.api().reset();
        }
    }
}
