package imagepipelines.local.faults;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import imagepipelines.local.LocalStack;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The stack apart from the workers, in the fault suite's own JVM: the local S3 server, the SQS server with its
 * messages on disk (so either can be stopped and started alone) and the Animl API stand-in; plus what the local S3
 * server lacks: S3's event notifications. A BucketNotifier lists the ingestion bucket and sends one S3 event notification
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

    final Path dir;
    final LocalStack stack;
    final String queueUrl;
    final String facesUrl;
    final String facesPostsUrl;
    /** Short, so the messages of a killed worker come back within the scenario's bound (the worker extends it). */
    final int visibilitySeconds;
    private final BucketNotifier notifications;

    FaultStack(Path dir, int visibilitySeconds) throws Exception {
        this.dir = dir;
        this.visibilitySeconds = visibilitySeconds;
        stack = new LocalStack(dir.resolve("stack"), 0, 0, 0, Map.of(), true);
        stack.createBuckets(List.of(INGESTION, SERVING, PARKINGLOT, DEADLETTER));
        queueUrl = LocalStack.createQueueWithDeadLetter(stack.sqs(), QUEUE, MAX_RECEIVES, visibilitySeconds);
        facesUrl = LocalStack.createQueueWithDeadLetter(stack.sqs(), FACES_QUEUE, MAX_RECEIVES, visibilitySeconds);
        facesPostsUrl = LocalStack.createQueueWithDeadLetter(stack.sqs(), FACES_POSTS, MAX_RECEIVES, visibilitySeconds);
        notifications = new BucketNotifier(stack.s3(), stack.sqs(), INGESTION, "", queueUrl, "ingest");
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

    @Override
    public void close() throws Exception {
        notifications.close();
        stack.close();
    }
}
