package imagepipelines.common;

import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.local.LocalStack;
import imagepipelines.testsupport.ChildJvm;
import imagepipelines.testsupport.S3Events;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code PIPELINES_LOG_FORMAT=json}: the application, as a separate process, writes one JSON object per line
 * (logback's JsonEncoder) with the upload's keys in the MDC, and no secret.
 */
class JsonLogsTest {

    static final String QUEUE = "animl-ingest-events-test";
    static final String BATCH = "batch-2b1e8f7a-0c1d-4e5f-9a8b-7c6d5e4f3a2b";

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

    @Test
    void jsonLinesCarryTheUploadsKeysInTheMdcAndNoSecret() throws Exception {
        int port = TestPipelines.freePort();
        Map<String, String> env = ChildJvm.ingestWorkerEnv(stack.properties(), dir, port);
        env.put("PIPELINES_LOG_FORMAT", "json");
        String key = BATCH + "/cam/IMG_0001.jpg";
        try (ChildJvm app = ChildJvm.start(dir, "app-json", List.of("run"), env)) {
            app.awaitReady(port, Duration.ofSeconds(180));
            stack.s3().putObject(r -> r.bucket(INGESTION).key(key),
                    RequestBody.fromBytes(TestPipelines.resource("/camera-trap/reconyx_hc550_small.jpg")));
            String url = stack.sqs().getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
            stack.sqs().sendMessage(r -> r.queueUrl(url).messageBody(S3Events.notification(INGESTION, key)));
            app.awaitLog("ingested " + key.replace("/", "\\/"), Duration.ofSeconds(60)); // JSON escapes '/'
            double exit = app.sigterm(Duration.ofSeconds(30));
            assertTrue(exit < 30);

            ObjectMapper json = new ObjectMapper();
            List<JsonNode> lines = new ArrayList<>();
            for (String line : app.log().split("\n")) {
                if (line.startsWith("WARNING: Using incubator modules")) {
                    continue; // the JVM's own notice on stderr, before logging starts
                }
                if (line.isBlank()) {
                    continue;
                }
                lines.add(json.readTree(line)); // every other line is one JSON object
            }
            assertTrue(lines.size() > 20, "log lines: " + lines.size());
            for (JsonNode l : lines) {
                assertTrue(l.has("level") && l.has("loggerName") && l.has("formattedMessage") && l.has("timestamp"), l.toString());
            }
            JsonNode done = lines.stream().filter(l -> l.get("formattedMessage").asText().startsWith("ingested " + key))
                    .findFirst().orElseThrow();
            JsonNode mdc = done.get("mdc");
            assertEquals(key, mdc.path("imageKey").asText(), done.toString());
            assertEquals(BATCH, mdc.path("batchId").asText(), done.toString());
            assertTrue(mdc.path("imageId").asText().contains(":"), "the Animl image id <project>:<md5>: " + done);
            assertEquals("ingest-intake-s3-events", mdc.path("camel.routeId").asText(), "the route the message came"
                    + " from: " + done);
            assertFalse(mdc.path("camel.exchangeId").asText().isEmpty(), done.toString());

            // the secrets of this run appear nowhere (the start-up summary masks properties named *secret*)
            String all = app.log();
            for (String secret : List.of(LocalStack.API_KEY, TestPipelines.OPERATOR_TOKEN, LocalStack.SECRET_KEY)) {
                assertFalse(all.contains(secret), "secret in the log: " + secret);
            }
        }
    }
}
