package imagepipelines.local.faults;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.local.LocalStack;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The stack apart from the workers, in the fault suite's own JVM: the local S3 server, the SQS server with its
 * messages on disk (so either can be stopped and started alone) and the Animl API stand-in; plus what the local S3
 * server lacks: S3's event notifications. A watcher lists the ingestion bucket and sends one S3 event notification
 * to the ingest queue for each new object (a key written again counts as new), as the bucket's notification
 * configuration does in production.
 */
final class FaultStack implements AutoCloseable {

    static final String STAGE = "faults";
    static final String INGESTION = "animl-images-ingestion-" + STAGE;
    static final String SERVING = "animl-images-serving-" + STAGE;
    static final String PARKINGLOT = "animl-images-parkinglot-" + STAGE;
    static final String DEADLETTER = "animl-images-dead-letter-" + STAGE;
    static final String QUEUE = "animl-ingest-events-" + STAGE;
    static final String FACES_QUEUE = "face-encodings-requests-" + STAGE;
    static final String FACES_POSTS = FACES_QUEUE + "-posts";
    static final int MAX_RECEIVES = 5;

    private static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    final LocalStack stack;
    final String queueUrl;
    final String facesUrl;
    final String facesPostsUrl;
    /** Short, so the messages of a killed worker come back within the scenario's bound (the worker extends it). */
    final int visibilitySeconds;
    private final Set<String> announced = ConcurrentHashMap.newKeySet();
    private final AtomicLong events = new AtomicLong();
    private final Thread watcher;
    private volatile boolean running = true;

    FaultStack(Path dir, int visibilitySeconds) throws Exception {
        this.dir = dir;
        this.visibilitySeconds = visibilitySeconds;
        stack = new LocalStack(dir.resolve("stack"), 0, 0, 0, Map.of(), true);
        stack.createBuckets(List.of(INGESTION, SERVING, PARKINGLOT, DEADLETTER));
        queueUrl = LocalStack.createQueueWithDeadLetter(stack.sqs(), QUEUE, MAX_RECEIVES, visibilitySeconds);
        facesUrl = LocalStack.createQueueWithDeadLetter(stack.sqs(), FACES_QUEUE, MAX_RECEIVES, visibilitySeconds);
        facesPostsUrl = LocalStack.createQueueWithDeadLetter(stack.sqs(), FACES_POSTS, MAX_RECEIVES, visibilitySeconds);
        watcher = new Thread(this::watch, "faults-s3-notifications");
        watcher.setDaemon(true);
        watcher.start();
    }

    S3Client s3() {
        return stack.s3();
    }

    String dlqUrl() {
        return dlqUrl(QUEUE);
    }

    String dlqUrl(String queue) {
        return stack.sqs().getQueueUrl(r -> r.queueName(queue + "-dlq")).queueUrl();
    }

    /** Messages in the queue: visible + in flight + delayed. */
    int queued(String url) {
        Map<QueueAttributeName, String> a = stack.sqs().getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().mapToInt(Integer::parseInt).sum();
    }

    /** Objects in the parking lot now (the maintenance switch itself apart). */
    int parked() {
        int n = 0;
        for (var page : stack.s3().listObjectsV2Paginator(r -> r.bucket(PARKINGLOT))) {
            n += (int) page.contents().stream().filter(o -> !o.key().startsWith("_control/")).count();
        }
        return n;
    }

    long eventsSent() {
        return events.get();
    }

    private void watch() {
        while (running) {
            try {
                for (var page : stack.s3().listObjectsV2Paginator(r -> r.bucket(INGESTION))) {
                    for (S3Object o : page.contents()) {
                        // one notification per write: the same key written again (a repeated bulk split) is new
                        // the local S3 server lists a PUT or copy still being written under a temporary name
                        // (key-<uuid>) that S3 never shows: only objects still there are announced
                        if (!announced.contains(o.key() + "\u0000" + o.eTag() + "\u0000" + o.lastModified())
                                && exists(o.key())
                                && announced.add(o.key() + "\u0000" + o.eTag() + "\u0000" + o.lastModified())) {
                            stack.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(notification(o)));
                            events.incrementAndGet();
                        }
                    }
                }
            } catch (RuntimeException e) {
                // S3 or SQS down in a scenario: S3 keeps its notifications until it can deliver them; so do we
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private boolean exists(String key) {
        try {
            stack.s3().headObject(r -> r.bucket(INGESTION).key(key));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            return e.statusCode() != 404;
        }
    }

    private static String notification(S3Object o) {
        try {
            return JSON.writeValueAsString(Map.of("Records", List.of(Map.of(
                    "eventVersion", "2.1", "eventSource", "aws:s3", "awsRegion", "us-east-1",
                    "eventTime", o.lastModified().toString(), "eventName", "ObjectCreated:Put",
                    "s3", Map.of("s3SchemaVersion", "1.0", "configurationId", "ingest",
                            "bucket", Map.of("name", INGESTION, "arn", "arn:aws:s3:::" + INGESTION),
                            "object", Map.of("key", URLEncoder.encode(o.key(), StandardCharsets.UTF_8).replace("%2F", "/"),
                                    "size", o.size(), "eTag", o.eTag().replace("\"", "")))))));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        watcher.interrupt();
        watcher.join(5000);
        stack.close();
    }
}
