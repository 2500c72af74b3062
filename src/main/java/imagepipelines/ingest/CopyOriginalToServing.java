package imagepipelines.ingest;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Stores the original in the serving bucket as {@code original/<id>-original.<ext>} by a server-side copy of the
 * upload (only if it is still the version that was read and hashed), with Content-Type = MIMEType.
 */
public final class CopyOriginalToServing implements Processor {

    private final ServerSideCopy copier;
    private final String servingBucket;

    public CopyOriginalToServing(ServerSideCopy copier, String servingBucket) {
        this.copier = copier;
        this.servingBucket = servingBucket;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        UploadKey upload = exchange.getProperty("upload", UploadKey.class);
        Map<String, Object> md = exchange.getProperty("md", Map.class);
        String key = "original/" + exchange.getProperty("imageId", String.class) + "-original." + md.get("FileTypeExtension");
        copier.copy(upload.bucket(), upload.key(), exchange.getProperty("uploadETag", String.class), servingBucket, key,
                String.valueOf(md.get("MIMEType")), null);
    }
}
