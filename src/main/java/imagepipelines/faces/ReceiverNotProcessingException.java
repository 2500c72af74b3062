package imagepipelines.faces;

/**
 * The receiver answered 400 {@code ["This object is not processing."]}: it has encodings for the source already (or
 * never awaited them). A refusal like any 4xx, unless this service's own posted mark says it was our earlier post.
 */
public final class ReceiverNotProcessingException extends FaceSourceException {

    /** The receiver's words (CONTRACTS §2). */
    static final String ANSWER = "This object is not processing.";

    public ReceiverNotProcessingException(String message) {
        super(message);
    }
}
