package imagepipelines.ingest.bulk;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Progress of a bulk batch ({@code GET /batches/{id}}, the tracker's log line) and, with {@code processingEnd} and
 * the open {@code record} kept for a later redrive, the closed record in the state bucket ({@link BatchBook}).
 *
 * @param rate images finished per second since processingStart
 * @param eta seconds left at that rate (0 when none is left, null while nothing finished)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BatchProgress(String batch, int total, long done, long failed, long remaining, int extracted,
                            double rate, Long eta, String processingStart, String ingestionComplete,
                            String processingEnd, boolean finished,
                            @JsonInclude(JsonInclude.Include.NON_NULL) BatchRecord record) {

    /**
     * From the open record and the real state: {@code left} uploads of the batch still in the ingestion bucket,
     * {@code deadLettered} images dead-lettered; finished when extraction is complete, nothing is left and no redrive
     * is moving images back.
     */
    static BatchProgress of(BatchRecord s, long left, long deadLettered, boolean redriving) {
        long finishedImages = Math.max(0, s.extracted() - left);
        long done = Math.max(0, finishedImages - deadLettered);
        long failed = s.extractFailed() + s.refused() + deadLettered;
        double seconds = Math.max(1e-3, Duration.between(Instant.parse(s.processingStart()), Instant.now())
                .toMillis() / 1000.0);
        double rate = (done + failed) / seconds;
        long remaining = Math.max(0, s.total() - done - failed);
        Long eta = remaining == 0 ? Long.valueOf(0) : rate > 0 ? Long.valueOf(Math.round(remaining / rate)) : null;
        boolean finished = s.ingestionComplete() != null && left == 0 && !redriving;
        return new BatchProgress(s.batchId(), s.total(), done, failed, remaining, s.extracted(),
                Math.round(rate * 100) / 100.0, eta, s.processingStart(), s.ingestionComplete(), null, finished, null);
    }

    /** The closed record: the final figures, processingEnd now, and the open record it replaces. */
    BatchProgress closed(BatchRecord open) {
        return new BatchProgress(batch, total, done, failed, 0, extracted, rate, 0L, processingStart,
                ingestionComplete, Instant.now().toString(), true, open);
    }

    /** As {@code GET /batches/{id}} shows a closed batch: without the open record. */
    BatchProgress withoutRecord() {
        return new BatchProgress(batch, total, done, failed, remaining, extracted, rate, eta, processingStart,
                ingestionComplete, processingEnd, finished, null);
    }

    /**
     * The open record of a batch closed before closed records kept it: rebuilt from the final figures, with
     * {@code deadLettered} failure markers still present.
     */
    BatchRecord rebuiltRecord(long deadLettered) {
        return new BatchRecord(batch, batch + ".zip", total, processingStart, ingestionComplete, extracted,
                (int) Math.max(0, failed - deadLettered), 0, "", null, null);
    }
}
