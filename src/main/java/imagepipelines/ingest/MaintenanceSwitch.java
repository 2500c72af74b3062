package imagepipelines.ingest;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Maintenance mode, switched at run time without a restart and seen by every replica: it is on while a small flag
 * object exists in S3. Each replica reads the flag at most every {@code cacheMillis}, so a flip takes effect
 * within that time everywhere; an image that slips through in that window is parked or processed, never both.
 */
public final class MaintenanceSwitch {

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final long cacheMillis;
    private volatile boolean cached;
    private volatile long readAt;

    public MaintenanceSwitch(S3Client s3, String bucket, String key, long cacheMillis) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.cacheMillis = cacheMillis;
    }

    public boolean isOn() {
        long now = System.currentTimeMillis();
        if (now - readAt > cacheMillis) {
            cached = readFlag();
            readAt = now;
        }
        return cached;
    }

    public Map<String, Object> turnOn(String reason) {
        s3.putObject(r -> r.bucket(bucket).key(key).contentType("text/plain"),
                RequestBody.fromString("on since " + Instant.now() + (reason == null ? "" : ": " + reason) + "\n"));
        readAt = 0;
        return status();
    }

    public Map<String, Object> turnOff() {
        s3.deleteObject(r -> r.bucket(bucket).key(key));
        readAt = 0;
        return status();
    }

    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("maintenance", isOn());
        m.put("flag", "s3://" + bucket + "/" + key);
        return m;
    }

    /** The parking lot holds the flag too; the replay must not move it. */
    public boolean isFlagKey(String candidate) {
        return key.equals(candidate);
    }

    private boolean readFlag() {
        return imagepipelines.aws.S3Objects.exists(s3, bucket, key);
    }
}
