package imagepipelines.ingest.bulk;

/** The archive as a whole cannot be ingested (damaged, truncated, over a limit): the message says why, for a person. */
public final class BadArchiveException extends Exception {

    public BadArchiveException(String message) {
        super(message);
    }
}
