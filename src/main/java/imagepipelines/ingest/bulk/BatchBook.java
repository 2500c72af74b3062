package imagepipelines.ingest.bulk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.aws.S3Objects;
import imagepipelines.ingest.UploadKey;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The durable record of bulk batches, kept as small JSON objects in S3 so that any replica can track and report
 * them and a restart loses nothing: {@code <prefix>open/<batchId>.json} while images are in flight,
 * {@code <prefix>closed/<batchId>.json} after processingEnd, and one empty marker per dead-lettered image under
 * {@code <prefix>failed/<batchId>/}. A batch is finished when its extraction is complete and no object is left under
 * {@code <batchId>/} in the ingestion bucket: each image's upload is deleted only after it was processed or
 * dead-lettered, so the ingestion bucket itself is the batch's work queue.
 */
public final class BatchBook {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String ingestion;
    private final long orphanGraceMillis;

    public BatchBook(S3Client s3, String bucket, String prefix, String ingestion, long orphanGraceMillis) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
        this.ingestion = ingestion;
        this.orphanGraceMillis = orphanGraceMillis;
    }

    /** Written when extraction starts (ingestionComplete still null) and again when it ends. */
    public void record(BulkRun run, boolean extractionDone) {
        put(openKey(run.batchId()), BatchRecord.of(run, extractionDone));
    }

    /**
     * The run that extracted the batch stopped (crash) after its zip was deleted or moved but before it recorded
     * ingestionComplete: nothing would ever finish the batch. True when the record is older than the grace period,
     * has no ingestionComplete and its zip is no longer in the ingestion bucket.
     */
    public boolean orphaned(BatchRecord s) {
        if (s.ingestionComplete() != null || s.updated() == null
                || Instant.parse(s.updated()).plusMillis(orphanGraceMillis).isAfter(Instant.now())) {
            return false;
        }
        return !S3Objects.exists(s3, ingestion, s.zip());
    }

    /** Records ingestionComplete on an open record (see {@link #orphaned}); returns the new record. */
    public BatchRecord ingestionComplete(BatchRecord s) {
        BatchRecord r = s.withIngestionComplete(Instant.now().toString());
        put(openKey(s.batchId()), r);
        return r;
    }

    /**
     * When an earlier extraction of the same zip was interrupted (its open record has no ingestionComplete), skips
     * the entries it recorded as written. Returns how many.
     */
    public int resume(BulkRun run) {
        BatchRecord s = get(openKey(run.batchId()), BatchRecord.class);
        if (s == null || s.ingestionComplete() != null || !run.zipKey().equals(s.zip()) || s.doneEntries() == null) {
            return 0;
        }
        return run.resume(s.doneEntries());
    }

    /**
     * A zip of a batch whose images were extracted already (its record has ingestionComplete, or the batch is
     * closed) was uploaded again: marks the run as repeated ({@link BulkRun#repeated}) so that it is not run a second
     * time. True when it was. A zip whose earlier extraction was interrupted is not a repeat (it is resumed), nor
     * is one whose earlier run extracted no image (a damaged zip replaced by a good one).
     */
    public boolean refuseRepeat(BulkRun run) {
        String id = run.batchId();
        if (id == null) {
            return false;
        }
        BatchRecord open = get(openKey(id), BatchRecord.class);
        if (open != null) {
            if (open.ingestionComplete() == null || !open.extractedAny()) {
                return false;
            }
            BatchProgress p = progress(open);
            run.repeated("batch " + id + " was extracted already (ingestionComplete " + open.ingestionComplete()
                    + "; " + p.done() + " done, " + p.failed() + " failed of " + p.total() + " so far)");
            return true;
        }
        BatchProgress closed = get(closedKey(id), BatchProgress.class);
        if (closed == null || closed.extracted() <= 0) {
            return false;
        }
        run.repeated("batch " + id + " has finished already (processingEnd " + closed.processingEnd() + "; "
                + closed.done() + " done, " + closed.failed() + " failed of " + closed.total() + ")");
        return true;
    }

    public List<BatchRecord> openBatches() {
        List<BatchRecord> out = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + "open/")).contents()) {
            BatchRecord s = get(o.key(), BatchRecord.class);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** Progress of a batch from real state, or null when the batch is unknown. */
    public BatchProgress status(String batchId) {
        if (!isBatchId(batchId)) {
            return null;
        }
        BatchRecord s = get(openKey(batchId), BatchRecord.class);
        if (s == null) {
            BatchProgress closed = get(closedKey(batchId), BatchProgress.class);
            return closed == null ? null : closed.withoutRecord();
        }
        return progress(s);
    }

    public static boolean isBatchId(String batchId) {
        return batchId != null && batchId.matches("batch-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    }

    /** Done, failed, remaining, rate and eta from the batch's objects in the ingestion and state buckets. */
    public BatchProgress progress(BatchRecord s) {
        String id = s.batchId();
        return BatchProgress.of(s, count(ingestion, id + "/"), count(bucket, prefix + "failed/" + id + "/"),
                redriving(s));
    }

    /** A redrive is moving images back (and the batch must not be closed meanwhile); a stale mark is ignored. */
    private boolean redriving(BatchRecord s) {
        return s.redriveStarted() != null
                && Instant.parse(s.redriveStarted()).plusMillis(orphanGraceMillis).isAfter(Instant.now());
    }

    /**
     * Records processingEnd: the open record becomes a closed one with the final figures (and the open record itself
     * under {@code record}, so that {@link #beginRedrive} can restore it).
     */
    public void close(BatchProgress progress) {
        String id = progress.batch();
        BatchRecord open = get(openKey(id), BatchRecord.class);
        if (open != null && redriving(open)) {
            return; // a redrive began after this batch looked finished: it is followed on
        }
        put(closedKey(id), progress.closed(open));
        s3.deleteObject(r -> r.bucket(bucket).key(openKey(id)));
    }

    /**
     * A redrive ({@link BatchRedrive}) is about to move some of the batch's images back: makes a finished batch open
     * again and marks the record so that the tracker does not finish it while images are on their way back (until
     * {@link #endRedrive}, or after {@code bulk.orphan-grace-ms} if the redrive stopped). Once they are processed the
     * tracker records processingEnd anew. Returns {@code "open"} when the batch was open already, {@code "reopened"},
     * or {@code "none"} when this book has no record of it.
     */
    public String beginRedrive(String batchId) {
        BatchRecord open = get(openKey(batchId), BatchRecord.class);
        String outcome = "open";
        if (open == null) {
            BatchProgress closed = get(closedKey(batchId), BatchProgress.class);
            if (closed == null) {
                return "none";
            }
            // closed before records kept their open form: rebuilt from the final figures
            open = closed.record() != null ? closed.record()
                    : closed.rebuiltRecord(count(bucket, prefix + "failed/" + batchId + "/"));
            if (open.ingestionComplete() == null) {
                open = open.withIngestionComplete(closed.processingEnd() != null ? closed.processingEnd()
                        : Instant.now().toString());
            }
            outcome = "reopened";
        }
        put(openKey(batchId), open.withRedriveStarted(Instant.now().toString()));
        if ("reopened".equals(outcome)) {
            s3.deleteObject(r -> r.bucket(bucket).key(closedKey(batchId)));
        }
        return outcome;
    }

    /** The redrive's images are back in the ingestion bucket: the tracker may finish the batch again. */
    public void endRedrive(String batchId) {
        BatchRecord open = get(openKey(batchId), BatchRecord.class);
        if (open != null && open.redriveStarted() != null) {
            put(openKey(batchId), open.withRedriveStarted(null));
        }
    }

    /** The dead-lettered image of {@code uploadKey} is being tried again: it no longer counts as failed. */
    public void clearFailed(UploadKey upload) {
        if (upload != null && upload.batchId() != null) {
            s3.deleteObject(r -> r.bucket(bucket).key(failedMarker(upload)));
        }
    }

    /**
     * Called by the dead-letter route for an image of a batch: one marker per upload key (idempotent), only for
     * batches this book tracks (an open record), so images of batches uploaded some other way leave no trace here.
     */
    public void noteFailed(UploadKey upload) {
        if (upload == null || upload.batchId() == null || !exists(openKey(upload.batchId()))) {
            return;
        }
        String marker = failedMarker(upload);
        s3.putObject(r -> r.bucket(bucket).key(marker), RequestBody.empty());
    }

    private String failedMarker(UploadKey upload) {
        return prefix + "failed/" + upload.batchId() + "/" + md5(upload.key());
    }

    /** Where this book keeps its records (keys under it are not dead letters). */
    public String bucket() {
        return bucket;
    }

    public String prefix() {
        return prefix;
    }

    private boolean exists(String key) {
        return S3Objects.exists(s3, bucket, key);
    }

    private long count(String b, String p) {
        long n = 0;
        for (var page : s3.listObjectsV2Paginator(r -> r.bucket(b).prefix(p))) {
            n += page.keyCount() == null ? page.contents().size() : page.keyCount();
        }
        return n;
    }

    private String openKey(String id) {
        return prefix + "open/" + id + ".json";
    }

    private String closedKey(String id) {
        return prefix + "closed/" + id + ".json";
    }

    private void put(String key, Object value) {
        try {
            byte[] b = JSON.writeValueAsBytes(value);
            s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(b));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T get(String key, Class<T> type) {
        try {
            return JSON.readValue(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray(), type);
        } catch (NoSuchKeyException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
