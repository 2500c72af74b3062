package imagepipelines.faces;

/** A failure worth retrying with backoff: time-out, refused connection, the receiver's or photo host's 5xx. */
public class TransientFaceException extends Exception {
    public TransientFaceException(String message) {
        super(message);
    }

    public TransientFaceException(String message, Throwable cause) {
        super(message, cause);
    }
}
