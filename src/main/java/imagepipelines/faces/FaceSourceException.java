package imagepipelines.faces;

/**
 * A permanent failure of one source (photo missing, too large, no image, forbidden URL, receiver's 4xx): recorded
 * with its reason, not retried. Never give it an IOException as cause (Camel matches the deepest cause first and
 * would retry it as transient).
 */
public class FaceSourceException extends Exception {
    public FaceSourceException(String message) {
        super(message);
    }
}
