package imagepipelines.ingest;

import java.io.IOException;
import java.io.InputStream;

/** Reads the downloaded upload into memory, but never more than the configured cap. */
public final class UploadReader {

    private final long maxBytes;

    public UploadReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * The upload's bytes from S3's stream; {@code declared}: the length S3 announced (its Content-Length), or null.
     * Closes the stream.
     */
    public byte[] read(InputStream body, Long declared) throws IOException, IngestFailure {
        if (declared != null && declared > maxBytes) {
            throw tooLarge();
        }
        try (InputStream in = body) {
            byte[] bytes = declared != null ? readExactly(in, (int) (long) declared)
                    : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge();
            }
            return bytes;
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
