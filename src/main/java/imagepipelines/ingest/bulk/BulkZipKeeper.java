package imagepipelines.ingest.bulk;

import java.util.LinkedHashMap;
import java.util.Map;

import imagepipelines.aws.NoOverwriteCopy;
import imagepipelines.ingest.DeadLetterWriter;

/**
 * Keeps a bulk zip that was not (or not wholly) extracted in the dead-letter bucket, like any dead letter: under
 * {@code BAD_ARCHIVE/<batchId or UNKNOWN_BATCH>/<zip key>} (or {@code REPEATED_BATCH_UPLOAD/...}) with
 * {@code error-code}, {@code error-reason} and {@code batch-id} in its metadata, never replacing a different object
 * ({@link NoOverwriteCopy}). Returns where it went and remembers it in the run (for the batch error's text).
 */
public final class BulkZipKeeper {

    private static final int MAX_REASON = 1200;

    private final NoOverwriteCopy copier;
    private final String deadLetterBucket;

    public BulkZipKeeper(NoOverwriteCopy copier, String deadLetterBucket) {
        this.copier = copier;
        this.deadLetterBucket = deadLetterBucket;
    }

    public String keep(BulkRun run) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("error-code", run.deadLetterCode());
        meta.put("error-reason", DeadLetterWriter.ascii(run.deadLetterReason(), MAX_REASON));
        meta.put("batch-id", run.batchId() == null ? "UNKNOWN_BATCH" : run.batchId());
        String key = copier.copy(run.bucket(), run.zipKey(), null, deadLetterBucket, run.deadLetterKey(),
                "application/zip", meta).key();
        run.keptAs(key);
        return key;
    }
}
