package imagepipelines.ingest;

import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.SERVING;
import static imagepipelines.testsupport.TestPipelines.await;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import imagepipelines.PipelinesApp;
import imagepipelines.bench.IngestBenchmark;
import imagepipelines.common.Settings;
import imagepipelines.testsupport.S3Events;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production intake: S3 events on an SQS queue (real S3 event JSON, in each shape S3 delivers: notification,
 * SNS envelope, EventBridge event), consumed by two replicas competing on the same queue. Every image is processed
 * exactly once.
 */
class SqsIntakeTest {

    @TempDir
    static Path dir;
    static TestPipelines p;
    static PipelinesApp second;
    static String queueUrl;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> sqs = Map.of("ingest.intake.poll.enabled", "false", "ingest.intake.sqs.enabled", "true",
                "pipelines.local.queues", "animl-ingest-events-test", "ingest.workers", "2", "ingest.queue.wait-seconds", "1");
        p = TestPipelines.start(dir, sqs);
        Map<String, String> props = new LinkedHashMap<>(sqs);
        props.put("pipelines.stage", "test");
        props.put("pipelines.scratch-dir", dir.resolve("scratch2").toString());
        int port = TestPipelines.freePort();
        props.put("camel.server.port", String.valueOf(port));
        props.put("camel.management.port", String.valueOf(port));
        second = PipelinesApp.start(new Settings("local"), props, p.stack);
        queueUrl = p.stack.sqs().getQueueUrl(r -> r.queueName("animl-ingest-events-test")).queueUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        second.close();
        p.close();
    }

    @AfterEach
    void clean() {
        p.deleteObjects(k -> true, INGESTION, SERVING, TestPipelines.DEADLETTER);
        p.api().reset();
    }

    @Test
    void everyShapeInWhichS3AnnouncesAnUploadIsIngested() throws Exception {
        byte[] base = resource("/camera-trap/reconyx_hc550_small.jpg");
        // key -> the message announcing it; keys with a space and a '+' show each shape's key decoding
        Map<String, String> messages = new LinkedHashMap<>();
        messages.put("shapes/notification a+b.jpg", S3Events.notification(INGESTION, "shapes/notification a+b.jpg"));
        messages.put("shapes/sns a+b.jpg", S3Events.sns(S3Events.notification(INGESTION, "shapes/sns a+b.jpg")));
        messages.put("shapes/eventbridge a+b.jpg", S3Events.eventBridge(INGESTION, "shapes/eventbridge a+b.jpg"));
        messages.put("shapes/eventbridge via sns a+b.jpg",
                S3Events.sns(S3Events.eventBridge(INGESTION, "shapes/eventbridge via sns a+b.jpg")));
        int i = 0;
        for (Map.Entry<String, String> m : messages.entrySet()) {
            p.put(INGESTION, m.getKey(), IngestBenchmark.withComment(base, "shape " + i++));
            p.stack.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(m.getValue()));
        }
        // events S3 sends that announce no upload: ignored, and deleted from the queue
        p.stack.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(S3Events.eventBridge("Object Deleted", INGESTION, "gone.jpg")));
        await("all processed", Duration.ofSeconds(60),
                () -> p.keys(INGESTION).isEmpty() && p.keys(SERVING).size() == 3 * messages.size());
        await("queue drained", Duration.ofSeconds(30), SqsIntakeTest::queueEmpty);
        List<Object> ingested = p.api().calls("CreateImageRecord").stream()
                .map(c -> ((Map<?, ?>) c.input().get("md")).get("Key")).sorted().collect(Collectors.toList());
        assertEquals(messages.keySet().stream().sorted().collect(Collectors.toList()), ingested);
        assertEquals(List.of(), p.keys(TestPipelines.DEADLETTER));
    }

    static boolean queueEmpty() {
        return "0".equals(p.stack.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl)
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings().values().stream().reduce("0", (a, b) -> String.valueOf(Integer.parseInt(a) + Integer.parseInt(b))));
    }

    @Test
    void twoReplicasShareTheQueueAndProcessEachImageOnce() throws Exception {
        byte[] base = resource("/camera-trap/reconyx_hc550_small.jpg");
        int n = 8;
        p.stack.sqs().sendMessage(r -> r.queueUrl(queueUrl)
                .messageBody("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"" + INGESTION + "\"}"));
        for (int i = 0; i < n; i++) {
            String key = "sqs cam/img " + i + ".jpg";
            p.put(INGESTION, key, IngestBenchmark.withComment(base, "image " + i));
            String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8); // spaces as '+', as S3 sends them
            p.stack.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(S3EventParserTest.event(INGESTION, encoded)));
        }
        // the same event delivered twice (S3 delivers at least once): the second finds nothing to do
        String again = URLEncoder.encode("sqs cam/img 0.jpg", StandardCharsets.UTF_8);
        await("all processed", Duration.ofSeconds(60),
                () -> p.keys(INGESTION).isEmpty() && p.keys(SERVING).size() == 3 * n);
        p.stack.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(S3EventParserTest.event(INGESTION, again)));
        await("queue drained", Duration.ofSeconds(30), SqsIntakeTest::queueEmpty);

        Map<Object, Long> perKey = p.api().calls("CreateImageRecord").stream()
                .collect(Collectors.groupingBy(c -> ((Map<?, ?>) c.input().get("md")).get("Key"), Collectors.counting()));
        assertEquals(n, perKey.size());
        perKey.forEach((k, count) -> assertEquals(1L, count, "createImage calls for " + k));
        assertEquals(List.of(), p.keys(TestPipelines.DEADLETTER));
    }
}
