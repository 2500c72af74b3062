package imagepipelines.local.faults;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What the local S3 server lacks: a bucket's event notifications. Lists the bucket every 300 ms and sends one S3
 * event notification ({@code ObjectCreated:Put}) per new object (a key written again is new) to a queue, as a
 * notification configuration for every key does on AWS: the pipeline's own outputs are announced too, as they are
 * there. FaultStack's for the ingestion bucket, the aerial scenarios' for theirs.
 */
final class BucketNotifier implements AutoCloseable {

    /** s3proxy lists a PUT still being written (or cut off) under {@code <key>-<uuid>}; S3 never shows it. */
    private static final Pattern IN_PROGRESS_WRITE = Pattern.compile(
            ".*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final SqsClient sqs;
    private final String bucket;
    private final String suffix;
    private final String queueUrl;
    private final String configurationId;
    private final Set<String> announced = ConcurrentHashMap.newKeySet();
    private final Thread watcher;
    private volatile boolean running = true;

    /** @param suffix only keys ending so ("" for all); {@code configurationId} names the notification in its events */
    BucketNotifier(S3Client s3, SqsClient sqs, String bucket, String suffix, String queueUrl, String configurationId) {
        this.s3 = s3;
        this.sqs = sqs;
        this.bucket = bucket;
        this.suffix = suffix;
        this.queueUrl = queueUrl;
        this.configurationId = configurationId;
        watcher = new Thread(this::watch, "faults-notifications-" + bucket);
        watcher.setDaemon(true);
        watcher.start();
    }

    private void watch() {
        while (running) {
            try {
                for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()) {
                    String id = o.key() + "\u0000" + o.eTag() + "\u0000" + o.lastModified();
                    if (o.key().endsWith(suffix) && !announced.contains(id)
                            && !IN_PROGRESS_WRITE.matcher(o.key()).matches() && exists(o.key()) && announced.add(id)) {
                        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(notification(o)));
                    }
                }
            } catch (RuntimeException e) {
                // S3 or SQS down: S3 keeps its notifications until it can deliver them; so do we (next listing)
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Still there: a write in progress listed under a temporary name is gone once it is done. */
    private boolean exists(String key) {
        try {
            s3.headObject(r -> r.bucket(bucket).key(key));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            return e.statusCode() != 404;
        }
    }

    private String notification(S3Object o) {
        try {
            return JSON.writeValueAsString(Map.of("Records", List.of(Map.of(
                    "eventVersion", "2.1", "eventSource", "aws:s3", "awsRegion", "us-east-1",
                    "eventTime", o.lastModified().toString(), "eventName", "ObjectCreated:Put",
                    "s3", Map.of("s3SchemaVersion", "1.0", "configurationId", configurationId,
                            "bucket", Map.of("name", bucket, "arn", "arn:aws:s3:::" + bucket),
                            "object", Map.of("key", URLEncoder.encode(o.key(), StandardCharsets.UTF_8)
                                            .replace("%2F", "/"),
                                    "size", o.size(), "eTag", o.eTag().replace("\"", "")))))));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        watcher.interrupt();
        watcher.join(5000);
    }
}
