package imagepipelines.ingest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Copies a failed upload to the dead-letter bucket under {@code <ERROR_CODE>/<imageId or UNKNOWN_ID>/<FileName>},
 * server side, with the reason in the object's metadata ({@code x-amz-meta-error-reason}) so that anyone browsing
 * the bucket can read why. Reads the failure from the exchange and leaves {@code errorCode}, {@code errorReason}
 * and {@code deadLetterKey} as exchange properties.
 */
public final class DeadLetterWriter implements Processor {

    private static final int MAX_REASON = 1800; // S3 user metadata is limited to 2 KB in all

    private final ServerSideCopy copier;
    private final String deadLetterBucket;

    public DeadLetterWriter(ServerSideCopy copier, String deadLetterBucket) {
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
        String key = code + "/" + (imageId == null ? "UNKNOWN_ID" : imageId) + "/" + upload.fileName();
        exchange.setProperty("errorCode", code);
        exchange.setProperty("errorReason", reason);
        exchange.setProperty("deadLetterKey", key);

        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("error-code", code);
        metadata.put("error-reason", ascii(reason));
        metadata.put("source-bucket", upload.bucket());
        metadata.put("source-key", URLEncoder.encode(upload.key(), StandardCharsets.UTF_8));
        try {
            copier.copy(upload.bucket(), upload.key(), null, deadLetterBucket, key, null, metadata);
            exchange.setProperty("deadLettered", true);
        } catch (NoSuchKeyException gone) {
            // already handled by an earlier delivery of the same event: nothing left to park
            exchange.setProperty("deadLettered", false);
        }
    }

    /** Metadata travels in HTTP headers: keep it printable ASCII. */
    static String ascii(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
            if (sb.length() >= MAX_REASON) {
                sb.append("...");
                break;
            }
        }
        return sb.toString();
    }
}
