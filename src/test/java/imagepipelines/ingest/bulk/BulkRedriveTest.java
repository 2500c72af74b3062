package imagepipelines.ingest.bulk;

import static imagepipelines.testsupport.TestPipelines.DEADLETTER;
import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.SERVING;
import static imagepipelines.testsupport.TestPipelines.await;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.local.FakeAnimlApi;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code POST /batches/{id}/redrive} on the embedded S3 and SQS servers with the production intake (S3 events on
 * SQS, announced by the test as S3 would): a batch's dead-lettered image goes back to the ingestion bucket and is
 * processed, its messages in the ingest queue's DLQ go back to the queue, and other batches' dead letters stay where
 * they are.
 */
class BulkRedriveTest {

    static final String QUEUE = "animl-ingest-events-test";
    static final String DLQ = QUEUE + "-dlq";
    /** The serial number of reconyx_hc550_small.jpg's camera. */
    static final String HC550_SERIAL = "H550HH12223861";
    static final byte[] HC550 = resource("/camera-trap/reconyx_hc550_small.jpg");
    static final byte[] HF2 = resource("/camera-trap/reconyx_hf2_serialA_1.jpg");
    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    static TestPipelines p;
    static String queueUrl;
    static String dlqUrl;

    @BeforeAll
    static void start() throws Exception {
        p = TestPipelines.start(dir, Map.of("ingest.intake.poll.enabled", "false", "ingest.intake.sqs.enabled", "true",
                "ingest.queue.wait-seconds", "1", "ingest.queue.visibility-seconds", "1",
                "bulk.track.period-ms", "300"));
        queueUrl = p.stack.sqs().getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
        dlqUrl = p.stack.sqs().getQueueUrl(r -> r.queueName(DLQ)).queueUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    @BeforeEach
    void clean() {
        p.api().reset();
        p.stack.sqs().purgeQueue(r -> r.queueUrl(dlqUrl));
        p.deleteObjects(k -> !k.startsWith("_control/"), INGESTION, SERVING, DEADLETTER);
    }

    @Test
    void aDeadLetteredImageOfTheBatchComesBackAndIsProcessedOtherBatchesStay() throws Exception {
        // the camera of one image is not registered in Animl yet: the API refuses its images (dead letters)
        p.api().refuseSerial(HC550_SERIAL);
        String a = "batch-" + UUID.randomUUID();
        String b = "batch-" + UUID.randomUUID();
        extract(a, new Zips().add("cam 1/reconyx_hc550_small.jpg", Zips.variant(HC550, "redrive a"))
                .add("cam 2/reconyx_hf2_serialA_1.jpg", Zips.variant(HF2, "redrive a")).build());
        extract(b, new Zips().add("site/reconyx_hc550_small.jpg", Zips.variant(HC550, "redrive b")).build());
        p.keys(INGESTION).forEach(BulkRedriveTest::announce);
        awaitEnds(a, 1);
        awaitEnds(b, 1);
        List<String> dead = deadLetters();
        assertEquals(2, dead.size(), dead.toString());
        assertTrue(dead.stream().allMatch(k -> k.startsWith("UNKNOWN_SERIAL_NUMBER/")), dead.toString());
        String bDeadLetter = dead.stream().filter(k -> sourceKey(k).startsWith(b + "/")).findFirst().orElseThrow();
        HeadObjectResponse bBefore = p.head(DEADLETTER, bDeadLetter);
        assertEquals(1, progress(a).path("failed").asInt());
        assertEquals(1, progress(a).path("done").asInt());

        // the camera is registered; the batch's dead letters get another try
        p.api().acceptSerial(HC550_SERIAL);
        JsonNode moved = redrive(a);
        assertEquals(1, moved.path("deadLetters").size(), moved.toString());
        assertEquals(a + "/cam 1/reconyx_hc550_small.jpg", moved.path("deadLetters").get(0).path("to").asText());
        assertTrue(moved.path("deadLetters").get(0).path("reason").asText().contains("Unknown Serial Number"),
                moved.toString());
        assertEquals("reopened", moved.path("batchRecord").asText());
        assertEquals(List.of(a + "/cam 1/reconyx_hc550_small.jpg"), p.keys(INGESTION));
        // S3 announces the copy as it announces any new object
        announce(a + "/cam 1/reconyx_hc550_small.jpg");
        awaitEnds(a, 2);

        Set<String> served = new TreeSet<>();
        for (FakeAnimlApi.Call c : p.api().calls("CreateImageRecord")) {
            Map<?, ?> md = (Map<?, ?>) c.input().get("md");
            if (a.equals(md.get("batchId")) && c.response().contains("\"errors\":[]")) {
                served.add((String) md.get("Path"));
            }
        }
        assertEquals(Set.of("cam 1/reconyx_hc550_small.jpg", "cam 2/reconyx_hf2_serialA_1.jpg"), served);
        assertEquals(6, p.keys(SERVING).size());
        assertEquals(List.of(), p.keys(INGESTION));
        JsonNode end = progress(a);
        assertEquals(2, end.path("done").asInt(), end.toString());
        assertEquals(0, end.path("failed").asInt(), end.toString());
        // the other batch's dead letter is where it was, as it was; that batch was not reopened
        assertEquals(List.of(bDeadLetter), deadLetters());
        HeadObjectResponse bAfter = p.head(DEADLETTER, bDeadLetter);
        assertEquals(bBefore.eTag(), bAfter.eTag());
        assertEquals(bBefore.lastModified(), bAfter.lastModified());
        assertEquals(bBefore.metadata(), bAfter.metadata());
        assertEquals(1, ends(b));
        assertEquals(1, progress(b).path("failed").asInt());

        // again: nothing left to move, nothing reopened
        JsonNode again = redrive(a);
        assertEquals(0, again.path("deadLetters").size(), again.toString());
        assertEquals(0, again.path("messages").size(), again.toString());
        assertEquals("unchanged", again.path("batchRecord").asText());
        Thread.sleep(1000); // a few tracker periods
        assertEquals(2, ends(a));
        assertEquals(List.of(bDeadLetter), deadLetters());
    }

    @Test
    void theBatchsMessagesGoBackFromTheDeadLetterQueueOthersStay() throws Exception {
        String policy = p.stack.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes().get(QueueAttributeName.REDRIVE_POLICY);
        assertTrue(policy.replace(" ", "").contains("\"maxReceiveCount\":\"5\"") || policy.contains("\"maxReceiveCount\":5"),
                policy);
        String c = "batch-" + UUID.randomUUID();
        String d = "batch-" + UUID.randomUUID();
        extract(c, new Zips().add("c/reconyx_hf2_serialA_1.jpg", Zips.variant(HF2, "dlq c")).build());
        extract(d, new Zips().add("d/reconyx_hf2_serialA_1.jpg", Zips.variant(HF2, "dlq d")).build());
        p.put(INGESTION, "loose/reconyx_hc550_small.jpg", Zips.variant(HC550, "dlq loose"));

        // the API is down: each image's event is received, retried, given up, received again ... and after five
        // receives the queue's redrive policy moves it to the DLQ
        p.api().failNext(1_000_000, 503);
        p.keys(INGESTION).forEach(BulkRedriveTest::announce);
        await("three messages in the DLQ", WAIT, () -> count(dlqUrl) == 3 && count(queueUrl) == 0);
        p.api().failNext(0, 503);

        JsonNode moved = redrive(c);
        assertEquals(1, moved.path("messages").size(), moved.toString());
        assertEquals(c + "/c/reconyx_hf2_serialA_1.jpg", moved.path("messages").get(0).path("keys").get(0).asText());
        assertEquals(2, moved.path("messagesLeftInDeadLetterQueue").asInt(), moved.toString());
        assertEquals(0, moved.path("deadLetters").size());
        awaitEnds(c, 1);
        assertEquals(3, p.keys(SERVING).size());
        assertEquals(List.of(d + "/d/reconyx_hf2_serialA_1.jpg", "loose/reconyx_hc550_small.jpg"), p.keys(INGESTION));
        assertEquals(0, ends(d));

        // the other two are still in the DLQ, visible, with their bodies as they were
        List<String> left = new ArrayList<>();
        for (Message m : p.stack.sqs().receiveMessage(r -> r.queueUrl(dlqUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                .messages()) {
            left.add(m.body().contains(URLEncoder.encode(d, StandardCharsets.UTF_8)) ? "d" : m.body().contains("loose") ? "loose" : m.body());
        }
        assertEquals(Set.of("d", "loose"), new TreeSet<>(left), left.toString());

        JsonNode again = redrive(c);
        assertEquals(0, again.path("messages").size(), again.toString());
    }

    // ---------------------------------------------------------------------------------------------------------

    static void extract(String batch, byte[] zip) {
        p.put(INGESTION, batch + ".zip", zip);
        announce(batch + ".zip");
        await("ingestionComplete of " + batch, WAIT, () -> p.api().calls("UpdateBatch").stream().anyMatch(
                c -> batch.equals(c.input().get("_id")) && c.status() == 200 && c.input().containsKey("ingestionComplete")));
    }

    static void announce(String key) {
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
        String event = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"bucket\":{\"name\":\"" + INGESTION + "\"},\"object\":{\"key\":\"" + encoded + "\"}}}]}";
        p.stack.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(event));
    }

    static int count(String url) {
        return p.stack.sqs().getQueueAttributes(r -> r.queueUrl(url)
                        .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings().values().stream().mapToInt(Integer::parseInt).sum();
    }

    static int ends(String batch) {
        return (int) p.api().calls("UpdateBatch").stream().filter(c -> batch.equals(c.input().get("_id"))
                && c.status() == 200 && c.input().containsKey("processingEnd")).count();
    }

    static void awaitEnds(String batch, int n) {
        await(n + " processingEnd of " + batch, WAIT, () -> ends(batch) >= n);
    }

    static List<String> deadLetters() {
        return p.keys(DEADLETTER).stream().filter(k -> !k.startsWith("_control/")).toList();
    }

    static String sourceKey(String deadLetterKey) {
        return java.net.URLDecoder.decode(p.head(DEADLETTER, deadLetterKey).metadata().get("source-key"),
                StandardCharsets.UTF_8);
    }

    static JsonNode redrive(String batch) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + p.httpPort + "/batches/" + batch + "/redrive"))
                .header("Authorization", "Bearer " + TestPipelines.OPERATOR_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }

    static JsonNode progress(String batch) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + p.httpPort + "/batches/" + batch)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }
}
