package imagepipelines.faces;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A durable "posted" mark per source: an empty S3 object written right after the receiver accepted the source's
 * encodings, and looked up before a source is encoded and before it is posted. SQS delivers at least once: a request
 * whose worker died comes back whole, and a post message can come back after its 200; the receiver answers a second
 * post with 400 "This object is not processing.", so a marked source is done, not posted again. The key is a SHA-256
 * of (receiver URL, type, pk, SHA-256 of the token): never the token. Marks older than {@code maxAge} are ignored,
 * so a source the members' site submits again much later (it resubmits only after 7 h without a result) is processed.
 * Before each POST the same object is written as an intent ({@code state=posting}): a post that finds an intent and
 * no posted mark follows an attempt whose outcome nobody saw (its worker died between the receiver's 200 and the
 * mark), so the receiver's "not processing" answer to it means done.
 */
public final class PostedMarks {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostedMarks.class);
    private static final String FACES = "faces";
    private static final String STATE = "state";
    private static final String POSTING = "posting";
    private static final String POSTED = "posted";

    /** A mark: {@code posted} (the receiver accepted {@code faces} encodings) or only the intent of a POST. */
    public record Mark(boolean posted, int faces) {
    }

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Duration maxAge;

    public PostedMarks(S3Client s3, String bucket, String prefix, long maxAgeMinutes) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.maxAge = Duration.ofMinutes(maxAgeMinutes);
    }

    /** The mark's key for one source of a receiver. */
    public String key(String apiUrl, FaceSource s) {
        String token = s.token() == null ? "" : s.token();
        return prefix + sha256(apiUrl + "\n" + s.type() + "\n" + s.pk() + "\n" + sha256(token));
    }

    /**
     * The number of faces posted for this source when it carries a mark younger than the maximum age, else null.
     * An S3 failure is transient (retried; a source is never posted on a guess).
     */
    public Integer posted(String apiUrl, FaceSource s) throws TransientFaceException {
        Mark m = find(apiUrl, s);
        return m != null && m.posted() ? m.faces() : null;
    }

    /** The source's mark younger than the maximum age (posted, or a POST's intent), else null. */
    public Mark find(String apiUrl, FaceSource s) throws TransientFaceException {
        String key = key(apiUrl, s);
        HeadObjectResponse head;
        try {
            head = s3.headObject(r -> r.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw new TransientFaceException("posted-mark lookup failed: S3 answered " + e.statusCode() + " (s3://"
                    + bucket + "/" + key + ")");
        } catch (SdkException e) {
            throw new TransientFaceException("posted-mark lookup failed: " + e.getMessage() + " (s3://" + bucket + ")");
        }
        if (head.lastModified() != null && head.lastModified().isBefore(Instant.now().minus(maxAge))) {
            return null;
        }
        boolean posted = !POSTING.equals(head.metadata().get(STATE));
        String faces = head.metadata().get(FACES);
        try {
            return new Mark(posted, faces == null ? 0 : Integer.parseInt(faces));
        } catch (NumberFormatException e) {
            return new Mark(posted, 0);
        }
    }

    /** Records that a POST of the source is about to be sent (best effort: a failure is logged). */
    public void posting(String apiUrl, FaceSource s, String requestId) {
        put(apiUrl, s, requestId, Map.of(STATE, POSTING, "request-id", String.valueOf(requestId)));
    }

    /**
     * Marks the source as posted. The receiver has accepted it already, so a failure here is logged, not thrown: the
     * post is done either way, and only a later redelivery of it would then be posted again.
     */
    public void mark(String apiUrl, FaceSource s, String requestId, int faces) {
        put(apiUrl, s, requestId, Map.of(STATE, POSTED, FACES, String.valueOf(faces), "request-id",
                String.valueOf(requestId)));
    }

    private void put(String apiUrl, FaceSource s, String requestId, Map<String, String> metadata) {
        String key = key(apiUrl, s);
        try {
            s3.putObject(r -> r.bucket(bucket).key(key).contentType("text/plain").metadata(metadata), RequestBody.empty());
        } catch (SdkException e) {
            LOG.warn("faces request {}: {} {}: its {} mark s3://{}/{} could not be written: {}", requestId, s.type(),
                    s.pk(), metadata.get(STATE), bucket, key, e.getMessage());
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
