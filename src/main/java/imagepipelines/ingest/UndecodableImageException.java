package imagepipelines.ingest;

/** The upload is not an image we can decode; the message says why in words a person can act on. */
public final class UndecodableImageException extends Exception {
    public UndecodableImageException(String message) {
        super(message);
    }

    public UndecodableImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
