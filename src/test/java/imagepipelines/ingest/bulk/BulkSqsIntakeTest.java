package imagepipelines.ingest.bulk;

import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.SERVING;
import static imagepipelines.testsupport.TestPipelines.await;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production intake for a bulk upload: the zip's S3 event arrives on SQS; the message is deleted once the zip is
 * extracted, and the extracted images (announced by their own events) finish the batch.
 */
class BulkSqsIntakeTest {

    static final String QUEUE = "animl-ingest-events-test";

    @TempDir
    static Path dir;
    static TestPipelines p;
    static String queueUrl;

    @BeforeAll
    static void start() throws Exception {
        p = TestPipelines.start(dir, Map.of("ingest.intake.poll.enabled", "false", "ingest.intake.sqs.enabled", "true",
                "ingest.queue.wait-seconds", "1", "bulk.track.period-ms", "300"));
        queueUrl = p.stack.sqs().getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    @Test
    void aZipAnnouncedOnTheQueueIsExtractedAndItsMessageDeleted() {
        String batch = "batch-" + UUID.randomUUID();
        byte[] zip = new Zips()
                .add("cam 1/reconyx_hc550_small.jpg", Zips.variant(resource("/camera-trap/reconyx_hc550_small.jpg"), "sqs"))
                .add("cam 2/reconyx_hf2_serialA_1.jpg", resource("/camera-trap/reconyx_hf2_serialA_1.jpg"))
                .build();
        p.put(INGESTION, batch + ".zip", zip);
        announce(batch + ".zip");
        await("the zip extracted", Duration.ofSeconds(60), () -> p.keys(INGESTION).equals(
                List.of(batch + "/cam 1/reconyx_hc550_small.jpg", batch + "/cam 2/reconyx_hf2_serialA_1.jpg")));
        await("the zip's message deleted", Duration.ofSeconds(30), () -> queued() == 0);
        // S3 announces each extracted image in turn
        p.keys(INGESTION).forEach(BulkSqsIntakeTest::announce);
        await("processingEnd", Duration.ofSeconds(60), () -> p.api().calls("UpdateBatch").stream()
                .anyMatch(c -> c.status() == 200 && c.input().containsKey("processingEnd")));
        assertEquals(6, p.keys(SERVING).size());
        assertEquals(2, ((Number) p.api().batches().get(batch).get("total")).intValue());
        // the zip's event delivered again (S3 delivers at least once): the zip is gone, nothing happens
        announce(batch + ".zip");
        await("queue drained", Duration.ofSeconds(30), () -> queued() == 0);
        assertEquals(4, p.api().calls("UpdateBatch").size());
        assertEquals(List.of(), p.keys(INGESTION));
    }

    static void announce(String key) {
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
        String event = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"bucket\":{\"name\":\"" + INGESTION + "\"},\"object\":{\"key\":\"" + encoded + "\"}}}]}";
        p.stack.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(event));
    }

    static int queued() {
        return p.stack.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl)
                        .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings().values().stream().mapToInt(Integer::parseInt).sum();
    }
}
