package imagepipelines.ingest.bulk;

/**
 * Reading or writing an entry failed for a reason that may pass (connection trouble, S3 5xx): Camel redelivers the
 * entry (route configuration {@code ingest-bulk-entry-retries}), then the route records it as failed.
 */
public class TransientEntryException extends Exception {

    private final transient BulkRun.Planned entry;

    public TransientEntryException(BulkRun.Planned entry, Throwable cause) {
        super("entry '" + entry.entry().name() + "': " + cause, cause);
        this.entry = entry;
    }

    public BulkRun.Planned entry() {
        return entry;
    }
}
