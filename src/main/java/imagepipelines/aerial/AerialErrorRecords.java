package imagepipelines.aerial;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A bad upload's error record: {@code errors/<key>.json} in the imagery bucket, a small JSON document saying what
 * was wrong and where it was found. The upload itself is never deleted or changed. The record carries the
 * upload's ETag (also as S3 metadata), so the same bytes are not tried again; a corrected upload (new ETag) is.
 */
public class AerialErrorRecords {

    private static final Logger LOG = LoggerFactory.getLogger(AerialErrorRecords.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final S3Client s3;
    private final String bucket;

    public AerialErrorRecords(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /**
     * Writes the record of {@code job} failed with {@code e} (null: a key off the layout) and returns its key.
     * {@code stage}: the stage label the routes set, or null; then {@code failedRouteId} names the stage.
     */
    public String write(AerialJob job, Throwable e, String stage, String failedRouteId) throws JsonProcessingException {
        String reason = job != null && job.kind() == AerialJob.Kind.INVALID ? job.keyProblem()
                : AerialReasons.forPeople(reason(e), job);
        if (stage == null) {
            stage = failedRouteId;
        }
        String sourceKey = job != null ? job.rawKey() : null;
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("bucket", job != null ? job.bucket() : bucket);
        record.put("key", sourceKey);
        record.put("etag", job != null ? job.etag() : null);
        record.put("size", job != null && job.size() >= 0 ? job.size() : null);
        record.put("stage", stage);
        record.put("error", e != null ? e.getClass().getSimpleName()
                : job != null && job.kind() == AerialJob.Kind.INVALID ? "InvalidAerialKey" : null);
        record.put("reason", reason);
        record.put("expectedLayout", job != null && job.kind() == AerialJob.Kind.INVALID ? AerialKey.LAYOUT : null);
        if (job != null && job.command() != null && !job.command().isEmpty()) {
            record.put("command", AerialReasons.withoutScratch(String.join(" ", job.command()), job));
        }
        if (job != null && !job.plan().isEmpty()) {
            record.put("plan", job.plan());
        }
        record.put("time", Instant.now().toString());
        record.put("action", e instanceof ScratchTooSmallException small ? small.action()
                : "the upload was left as it is; fix it and upload it again under the same key");
        String key = key(sourceKey);
        Map<String, String> meta = new LinkedHashMap<>();
        if (job != null && job.etag() != null) {
            meta.put(UploadLedger.SOURCE_ETAG, job.etag());
        }
        s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/json").metadata(meta),
                RequestBody.fromBytes(JSON.writeValueAsBytes(record)));
        LOG.warn("rejected s3://{}/{} ({}): {} -> s3://{}/{}", record.get("bucket"), sourceKey, stage, reason, bucket,
                key);
        return key;
    }

    /** {@code errors/<key>.json} */
    public static String key(String uploadKey) {
        return "errors/" + uploadKey + ".json";
    }

    static String reason(Throwable e) {
        if (e == null) {
            return "unknown";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getName() : m;
    }
}
