package imagepipelines.aerial;

/** A key of the imagery bucket that does not follow {@link AerialKey#LAYOUT}. */
public class InvalidAerialKeyException extends IllegalArgumentException {

    private final String key;
    private final String reason;

    public InvalidAerialKeyException(String key, String reason) {
        super("key '" + key + "' does not follow " + AerialKey.LAYOUT + ": " + reason);
        this.key = key;
        this.reason = reason;
    }

    public String key() {
        return key;
    }

    /** What is wrong, without the key and layout. */
    public String reason() {
        return reason;
    }
}
