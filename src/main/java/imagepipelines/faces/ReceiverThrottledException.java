package imagepipelines.faces;

/** The receiver answered 429: not a failure of the source; post again after {@link #retryAfterMs()}. */
public final class ReceiverThrottledException extends TransientFaceException {

    private final long retryAfterMs;

    public ReceiverThrottledException(String message, long retryAfterMs) {
        super(message);
        this.retryAfterMs = retryAfterMs;
    }

    public long retryAfterMs() {
        return retryAfterMs;
    }
}
