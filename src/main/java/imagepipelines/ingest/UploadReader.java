package imagepipelines.ingest;

import java.io.IOException;
import java.io.InputStream;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Reads the downloaded upload into memory, but never more than the configured cap. */
public final class UploadReader implements Processor {

    private final long maxBytes;

    public UploadReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        try (InputStream in = exchange.getMessage().getMandatoryBody(InputStream.class)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new IngestFailure(IngestFailure.IMAGE_TOO_LARGE,
                        "the upload is larger than the " + maxBytes + "-byte limit (ingest.max-upload-bytes)");
            }
            exchange.getMessage().setBody(bytes);
        } catch (IOException e) {
            throw new IOException("reading the upload from S3 failed: " + e.getMessage(), e);
        }
    }
}
