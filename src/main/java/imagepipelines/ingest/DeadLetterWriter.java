package imagepipelines.ingest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import imagepipelines.aws.NoOverwriteCopy;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Copies a failed upload to the dead-letter bucket under {@code <ERROR_CODE>/<imageId or UNKNOWN_ID>/<upload key>},
 * server side, with the reason in the object's metadata ({@code x-amz-meta-error-reason}) so that anyone browsing
 * the bucket can read why. The prefix is the one people look under (CONTRACTS §1); the rest is the upload's whole
 * key, so two uploads called {@code broken.jpg} in different folders or batches keep two dead letters. A different
 * object already under that key is never replaced ({@link NoOverwriteCopy}: the copy goes beside it); the same
 * upload dead-lettered again (a re-run after a crash) finds its copy and writes nothing. Reads the failure from the
 * exchange and leaves {@code errorCode}, {@code errorReason} and {@code deadLetterKey} as exchange properties.
 */
public final class DeadLetterWriter implements Processor {

    /** S3 user metadata is limited to 2 KB in all (keys and values). */
    private static final int METADATA_BUDGET = 1900;

    private final NoOverwriteCopy copier;
    private final String deadLetterBucket;

    public DeadLetterWriter(NoOverwriteCopy copier, String deadLetterBucket) {
        this.copier = copier;
        this.deadLetterBucket = deadLetterBucket;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
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
        UploadKey upload = exchange.getProperty("upload", UploadKey.class);
        String imageId = exchange.getProperty("imageId", String.class);
        String key = key(code, imageId, upload.key());
        exchange.setProperty("errorCode", code);
        exchange.setProperty("errorReason", reason);
        exchange.setProperty("deadLetterKey", key);

        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("error-code", code);
        int keyBytes = URLEncoder.encode(upload.key(), StandardCharsets.UTF_8).length();
        metadata.put("error-reason", ascii(reason, Math.max(200, METADATA_BUDGET - keyBytes - 200)));
        try {
            // the version that failed (known once it was downloaded), so a replacement uploaded meanwhile is not
            // stored under this reason
            NoOverwriteCopy.Placed placed = copier.copy(upload.bucket(), upload.key(),
                    exchange.getProperty("uploadETag", String.class), deadLetterBucket, key, null, metadata);
            exchange.setProperty("deadLetterKey", placed.key());
            exchange.setProperty("deadLettered", true);
        } catch (NoSuchKeyException gone) {
            // already handled by an earlier delivery of the same event: nothing left to park
            exchange.setProperty("deadLettered", false);
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
