package imagepipelines.ingest.bulk;

/** One entry of an archive could not be extracted; the other entries go on. The message names the entry. */
public final class EntryProblem extends Exception {

    public EntryProblem(String message) {
        super(message);
    }

    public EntryProblem(String message, Throwable cause) {
        super(message, cause);
    }
}
