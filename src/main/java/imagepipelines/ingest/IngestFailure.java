package imagepipelines.ingest;

/**
 * A permanent failure of one upload: it goes to the dead-letter bucket under {@code <code>/<imageId>/<fileName>}
 * with the message as the reason. Retrying would give the same answer.
 */
public final class IngestFailure extends Exception {

    public static final String CORRUPTED_IMAGE_FILE = "CORRUPTED_IMAGE_FILE";
    public static final String DUPLICATE_IMAGE = "DUPLICATE_IMAGE";
    public static final String UNKNOWN_SERIAL_NUMBER = "UNKNOWN_SERIAL_NUMBER";
    public static final String UNKNOWN_DATETIME = "UNKNOWN_DATETIME";
    public static final String IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE";
    public static final String API_REQUEST_REJECTED = "API_REQUEST_REJECTED";
    public static final String INGESTION_ERROR = "INGESTION_ERROR";

    private final String code;

    public IngestFailure(String code, String message) {
        super(message);
        this.code = code;
    }

    public IngestFailure(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The dead-letter code for an error message the Animl API gave. */
    public static String codeForApiError(String message) {
        if (message.contains("E11000")) {
            return DUPLICATE_IMAGE;
        }
        if (message.contains("Unknown Serial Number")) {
            return UNKNOWN_SERIAL_NUMBER;
        }
        if (message.contains("Unknown DateTimeOriginal")) {
            return UNKNOWN_DATETIME;
        }
        if (message.contains("Image Size Exceed")) {
            return IMAGE_TOO_LARGE;
        }
        return INGESTION_ERROR;
    }
}
