package imagepipelines.ingest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import imagepipelines.aws.NoOverwriteCopy;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Copies a failed upload to the dead-letter bucket under {@code <ERROR_CODE>/<imageId or UNKNOWN_ID>/<upload key>},
 * server side, with the reason in the object's metadata ({@code x-amz-meta-error-reason}) so that anyone browsing
 * the bucket can read why. The prefix is the one people look under (CONTRACTS §1); the rest is the upload's whole
 * key, so two uploads called {@code broken.jpg} in different folders or batches keep two dead letters. A different
 * object already under that key is never replaced ({@link NoOverwriteCopy}: the copy goes beside it); the same
 * upload dead-lettered again (a re-run after a crash) finds its copy and writes nothing.
 */
public final class DeadLetterWriter {

    /** S3 user metadata is limited to 2 KB in all (keys and values). */
    private static final int METADATA_BUDGET = 1900;

    /**
     * A dead letter: its code and reason, and its key in the dead-letter bucket; {@code placed} false when the upload
     * was gone already (handled by an earlier delivery of the same event: nothing left to park).
     */
    public record DeadLetter(String code, String reason, String key, boolean placed) { }

    private final NoOverwriteCopy copier;
    private final String deadLetterBucket;

    public DeadLetterWriter(NoOverwriteCopy copier, String deadLetterBucket) {
        this.copier = copier;
        this.deadLetterBucket = deadLetterBucket;
    }

    /**
     * Dead-letters the version {@code uploadETag} of {@code upload} (null: the current one) for {@code failure}: an
     * {@link IngestFailure} gives its code, anything else is an {@code INGESTION_ERROR}. {@code imageId} may be null.
     */
    public DeadLetter write(Throwable failure, UploadKey upload, String imageId, String uploadETag) {
        String code;
        String reason;
        if (failure instanceof IngestFailure f) {
            code = f.code();
            reason = f.getMessage();
        } else {
            code = IngestFailure.INGESTION_ERROR;
            reason = failure == null ? "unknown failure"
                    : "unexpected " + failure.getClass().getSimpleName() + ": " + failure.getMessage();
        }
        String key = key(code, imageId, upload.key());
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("error-code", code);
        int keyBytes = URLEncoder.encode(upload.key(), StandardCharsets.UTF_8).length();
        metadata.put("error-reason", ascii(reason, Math.max(200, METADATA_BUDGET - keyBytes - 200)));
        try {
            // the version that failed (known once it was downloaded), so a replacement uploaded meanwhile is not
            // stored under this reason
            NoOverwriteCopy.Placed placed = copier.copy(upload.bucket(), upload.key(), uploadETag, deadLetterBucket,
                    key, null, metadata);
            return new DeadLetter(code, reason, placed.key(), true);
        } catch (NoSuchKeyException gone) {
            return new DeadLetter(code, reason, key, false);
        }
    }

    /** {@code <ERROR_CODE>/<imageId or UNKNOWN_ID>/<upload key>}: readable, and unique per upload key. */
    public static String key(String code, String imageId, String uploadKey) {
        return code + "/" + (imageId == null ? "UNKNOWN_ID" : imageId) + "/" + uploadKey;
    }

    /** Metadata travels in HTTP headers: keep it printable ASCII, at most {@code max} characters. */
    public static String ascii(String s, int max) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
            if (sb.length() >= max) {
                sb.append("...");
                break;
            }
        }
        return sb.toString();
    }
}
