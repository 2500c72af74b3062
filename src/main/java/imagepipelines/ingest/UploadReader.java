package imagepipelines.ingest;

import java.io.IOException;
import java.io.InputStream;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Reads the downloaded upload into memory, but never more than the configured cap. */
public final class UploadReader implements Processor {

    private static final String CONTENT_LENGTH = "CamelAwsS3ContentLength";

    private final long maxBytes;

    public UploadReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Long declared = exchange.getMessage().getHeader(CONTENT_LENGTH, Long.class);
        if (declared != null && declared > maxBytes) {
            throw tooLarge();
        }
        try (InputStream in = exchange.getMessage().getMandatoryBody(InputStream.class)) {
            byte[] bytes = declared != null ? readExactly(in, (int) (long) declared)
                    : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge();
            }
            exchange.getMessage().setBody(bytes);
        } catch (IOException e) {
            throw new IOException("reading the upload from S3 failed: " + e.getMessage(), e);
        }
    }

    /**
     * The size S3 gave is known: one array of that size, filled by large reads (readNBytes(max) reads 8 KB at a
     * time through the SDK's stream layers and copies everything once more at the end).
     */
    private static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] bytes = new byte[length];
        int n = in.readNBytes(bytes, 0, length);
        if (n < length) {
            throw new IOException("the object ended after " + n + " of its " + length + " bytes");
        }
        if (in.read() != -1) {
            throw new IOException("the object is longer than the " + length + " bytes S3 announced");
        }
        return bytes;
    }

    private IngestFailure tooLarge() {
        return new IngestFailure(IngestFailure.IMAGE_TOO_LARGE,
                "the upload is larger than the " + maxBytes + "-byte limit (ingest.max-upload-bytes)");
    }
}
