package imagepipelines.ingest.bulk;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A batch's open record in the state bucket ({@link BatchBook}): written when extraction starts, at checkpoints and
 * when it ends. Its JSON field names are the stored format (records written by earlier versions stay readable).
 *
 * @param ingestionComplete null while entries are being extracted
 * @param refused image entries the plan refused (encrypted, too large, ...); 0 in records older than the field
 * @param doneEntries base64 of the bit set of catalog indexes written (resumes an interrupted extraction)
 * @param redriveStarted set while a redrive moves images back ({@link BatchBook#beginRedrive}), else null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BatchRecord(String batchId, String zip, int total, String processingStart, String ingestionComplete,
                          int extracted, int extractFailed, int refused, String doneEntries, String updated,
                          String redriveStarted) {

    /** The record of a run, now. */
    static BatchRecord of(BulkRun run, boolean extractionDone) {
        String now = Instant.now().toString();
        return new BatchRecord(run.batchId(), run.zipKey(), run.total(), run.started().toString(),
                extractionDone ? now : null, run.extracted(), run.extractFailed(), run.refusedImages(),
                run.doneEntries(), now, null);
    }

    BatchRecord withIngestionComplete(String when) {
        return new BatchRecord(batchId, zip, total, processingStart, when, extracted, extractFailed, refused,
                doneEntries, Instant.now().toString(), redriveStarted);
    }

    BatchRecord withRedriveStarted(String when) {
        return new BatchRecord(batchId, zip, total, processingStart, ingestionComplete, extracted, extractFailed,
                refused, doneEntries, Instant.now().toString(), when);
    }

    /**
     * Whether the run put any image of the batch into the ingestion bucket. One that extracted nothing (a truncated
     * or damaged zip) leaves nothing a second run could duplicate: the corrected zip uploaded again is run.
     */
    boolean extractedAny() {
        return extracted > 0;
    }
}
