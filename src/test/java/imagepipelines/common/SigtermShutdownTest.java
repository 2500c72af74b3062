package imagepipelines.common;

import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import imagepipelines.local.LocalStack;
import imagepipelines.testsupport.ChildJvm;
import imagepipelines.testsupport.S3Events;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

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
        stack = ChildJvm.ingestStack(dir, QUEUE);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    /** The app's main class in a child JVM, configured through environment variables only (as in a container). */
    static ChildJvm startApp(int port, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(ChildJvm.ingestWorkerEnv(stack.properties(), dir, port));
        env.putAll(extra);
        ChildJvm app = ChildJvm.start(dir, "app-" + port, List.of("run"), env);
        try {
            app.awaitReady(port, Duration.ofSeconds(120));
            return app;
        } catch (Exception | AssertionError e) {
            app.close();
            throw e;
        }
    }

    static String queueUrl() {
        return stack.sqs().getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
    }

    /**
     * An app with a 4 s shutdown timeout, busy with upload {@code key} (its S3 event sent with {@code attributes}):
     * every Animl API call hangs 60 s, so the image cannot finish before the stop. Returns once the app holds the
     * message (in flight on the queue).
     */
    static ChildJvm busyApp(String key, Map<String, MessageAttributeValue> attributes) throws Exception {
        int port = TestPipelines.freePort();
        stack.api().delayNext(1000, 60_000);
        ChildJvm app = startApp(port, Map.of("CAMEL_MAIN_SHUTDOWN_TIMEOUT", "4", "ANIML_API_TIMEOUT_SECONDS", "120"));
        try {
            stack.s3().putObject(r -> r.bucket(INGESTION).key(key),
                    RequestBody.fromBytes(TestPipelines.resource("/camera-trap/reconyx_hc550_small.jpg")));
            stack.sqs().sendMessage(r -> r.queueUrl(queueUrl()).messageBody(S3Events.notification(INGESTION, key))
                    .messageAttributes(attributes));
            TestPipelines.await("the app is calling the (hanging) API", Duration.ofSeconds(60),
                    () -> stack.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl()).attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes().values()
                            .stream().anyMatch("1"::equals));
            return app;
        } catch (Exception | AssertionError e) {
            app.close();
            throw e;
        }
    }

    /** What another consumer receives within 5 s, with the receive count and the requeue attribute. */
    static List<Message> receiveFromAnotherConsumer() {
        return stack.sqs().receiveMessage(r -> r.queueUrl(queueUrl()).waitTimeSeconds(5)
                .messageSystemAttributeNamesWithStrings("ApproximateReceiveCount")
                .messageAttributeNames(SqsReleaseOnShutdown.REQUEUES_ATTRIBUTE)).messages();
    }

    /** Regression: an idle instance took 18 s to exit after SIGTERM (the 20 s SQS long poll it waited out). */
    @Test
    void idleInstanceWithSqsIntakeExitsWithinThreeSecondsOfSigterm() throws Exception {
        try (ChildJvm app = startApp(TestPipelines.freePort(), Map.of())) {
            // let every consumer be inside a long poll
            Thread.sleep(3000);
            double seconds = app.sigterm(Duration.ofSeconds(60));
            System.out.printf(Locale.ROOT, "idle instance with SQS intake: exit %.2f s after SIGTERM%n", seconds);
            assertTrue(seconds < 3.0, String.format(Locale.ROOT, "exit took %.2f s after SIGTERM:%n%s", seconds, app.log()));
            assertTrue(app.log().contains("shutdown"), "Camel shut down in order: " + app.log());
        }
    }

    /**
     * Regression: after a stop, a message still being worked on stayed invisible for its whole visibility timeout
     * (720 s). Now it is made visible again before the shutdown timeout ends, and another consumer gets it at once.
     */
    @Test
    void messageUnfinishedAtShutdownTimeoutIsReleasedForAnotherReplica() throws Exception {
        try (ChildJvm app = busyApp("cam/stuck.jpg", Map.of())) {
            Thread.sleep(3000);
            assertTrue(stack.sqs().receiveMessage(r -> r.queueUrl(queueUrl()).waitTimeSeconds(1)).messages().isEmpty(),
                    "the message is invisible while the app works on it");

            long t0 = System.nanoTime();
            double exit = app.sigterm(Duration.ofSeconds(60));
            List<Message> got = receiveFromAnotherConsumer();
            double seen = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "busy instance: exit %.2f s after SIGTERM (shutdown timeout 4 s); message"
                    + " received by another consumer %.2f s after SIGTERM%n", exit, seen);
            assertEquals(1, got.size(), "the unfinished message is visible again at once: " + app.log());
            assertTrue(app.log().contains("not finished after"), app.log());
            // regression: the stop used up one of the DLQ's 5 receives (ChangeMessageVisibility 0 keeps the count);
            // sent again as a new message, this is its first receive, and the body is the same S3 event
            assertEquals("1", got.get(0).attributesAsStrings().get("ApproximateReceiveCount"));
            assertEquals("1", got.get(0).messageAttributes().get(SqsReleaseOnShutdown.REQUEUES_ATTRIBUTE).stringValue());
            assertEquals(S3Events.notification(INGESTION, "cam/stuck.jpg"), got.get(0).body());
            stack.sqs().deleteMessage(r -> r.queueUrl(queueUrl()).receiptHandle(got.get(0).receiptHandle()));
        } finally {
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
        Map<String, MessageAttributeValue> requeuedThrice = Map.of(SqsReleaseOnShutdown.REQUEUES_ATTRIBUTE,
                MessageAttributeValue.builder().dataType("Number").stringValue("3").build());
        try (ChildJvm app = busyApp("cam/stuck-again.jpg", requeuedThrice)) {
            app.sigterm(Duration.ofSeconds(60));
            List<Message> got = receiveFromAnotherConsumer();
            assertEquals(1, got.size(), "visible again at once: " + app.log());
            assertEquals("2", got.get(0).attributesAsStrings().get("ApproximateReceiveCount"), "this stop counted");
            assertEquals("3", got.get(0).messageAttributes().get(SqsReleaseOnShutdown.REQUEUES_ATTRIBUTE).stringValue());
            assertTrue(app.log().contains("made visible again (counts as a receive)"), app.log());
            stack.sqs().deleteMessage(r -> r.queueUrl(queueUrl()).receiptHandle(got.get(0).receiptHandle()));
        } finally {
            stack.api().reset();
        }
    }
}
