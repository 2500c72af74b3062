package imagepipelines.ingest.bulk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
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
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("batchId", run.batchId());
        s.put("zip", run.zipKey());
        s.put("total", run.total());
        s.put("processingStart", run.started().toString());
        s.put("ingestionComplete", extractionDone ? Instant.now().toString() : null);
        s.put("extracted", run.extracted());
        s.put("extractFailed", run.extractFailed());
        s.put("refused", run.refusedImages());
        s.put("doneEntries", run.doneEntries());
        s.put("updated", Instant.now().toString());
        put(openKey(run.batchId()), s);
    }

    /**
     * The run that extracted the batch stopped (crash) after its zip was deleted or moved but before it recorded
     * ingestionComplete: nothing would ever finish the batch. True when the record is older than the grace period,
     * has no ingestionComplete and its zip is no longer in the ingestion bucket.
     */
    public boolean orphaned(Map<String, Object> s) {
        if (s.get("ingestionComplete") != null || !(s.get("updated") instanceof String updated)
                || Instant.parse(updated).plusMillis(orphanGraceMillis).isAfter(Instant.now())) {
            return false;
        }
        String zip = (String) s.get("zip");
        return !imagepipelines.aws.S3Objects.exists(s3, ingestion, zip);
    }

    /** Records ingestionComplete on an open record (see {@link #orphaned}); returns the new record. */
    public Map<String, Object> ingestionComplete(Map<String, Object> s) {
        Map<String, Object> r = new LinkedHashMap<>(s);
        r.put("ingestionComplete", Instant.now().toString());
        r.put("updated", Instant.now().toString());
        put(openKey((String) s.get("batchId")), r);
        return r;
    }

    /**
     * When an earlier extraction of the same zip was interrupted (its open record has no ingestionComplete), skips
     * the entries it recorded as written. Returns how many.
     */
    public int resume(BulkRun run) {
        Map<String, Object> s = get(openKey(run.batchId()));
        if (s == null || s.get("ingestionComplete") != null || !run.zipKey().equals(s.get("zip"))
                || !(s.get("doneEntries") instanceof String done)) {
            return 0;
        }
        return run.resume(done);
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
        Map<String, Object> open = get(openKey(id));
        if (open != null) {
            if (open.get("ingestionComplete") == null || !extractedAny(open)) {
                return false;
            }
            Map<String, Object> p = progress(open);
            run.repeated("batch " + id + " was extracted already (ingestionComplete " + open.get("ingestionComplete")
                    + "; " + p.get("done") + " done, " + p.get("failed") + " failed of " + p.get("total")
                    + " so far)");
            return true;
        }
        Map<String, Object> closed = get(closedKey(id));
        if (closed == null || !extractedAny(closed)) {
            return false;
        }
        run.repeated("batch " + id + " has finished already (processingEnd " + closed.get("processingEnd") + "; "
                + closed.get("done") + " done, " + closed.get("failed") + " failed of " + closed.get("total") + ")");
        return true;
    }

    /**
     * Whether an earlier run put any image of the batch into the ingestion bucket. One that extracted nothing (a
     * truncated or damaged zip) leaves nothing a second run could duplicate: the corrected zip uploaded again is run.
     */
    private static boolean extractedAny(Map<String, Object> record) {
        return !(record.get("extracted") instanceof Number n) || n.intValue() > 0;
    }

    public List<Map<String, Object>> openBatches() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + "open/")).contents()) {
            Map<String, Object> s = get(o.key());
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** Progress of a batch from real state, or null when the batch is unknown. */
    public Map<String, Object> status(String batchId) {
        if (!isBatchId(batchId)) {
            return null;
        }
        Map<String, Object> s = get(openKey(batchId));
        if (s == null) {
            Map<String, Object> closed = get(closedKey(batchId));
            if (closed != null) {
                closed.remove("record");
            }
            return closed;
        }
        return progress(s);
    }

    public static boolean isBatchId(String batchId) {
        return batchId != null && batchId.matches("batch-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    }

    /** {total, done, failed, remaining, rate (images/s), eta (s, or null)} plus the recorded times. */
    public Map<String, Object> progress(Map<String, Object> s) {
        String id = (String) s.get("batchId");
        int total = ((Number) s.get("total")).intValue();
        int extracted = ((Number) s.get("extracted")).intValue();
        int extractFailed = ((Number) s.get("extractFailed")).intValue();
        // image entries the plan refused (encrypted, too large, ...): in the total, and failed (older records: 0)
        int refused = s.get("refused") instanceof Number n ? n.intValue() : 0;
        boolean extractionDone = s.get("ingestionComplete") != null;
        long remaining = count(ingestion, id + "/");
        long deadLettered = count(bucket, prefix + "failed/" + id + "/");
        long finished = Math.max(0, extracted - remaining);
        long done = Math.max(0, finished - deadLettered);
        long failed = extractFailed + refused + deadLettered;
        double seconds = Math.max(1e-3, Duration.between(Instant.parse((String) s.get("processingStart")),
                Instant.now()).toMillis() / 1000.0);
        double rate = (done + failed) / seconds;
        long left = Math.max(0, total - done - failed);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("batch", id);
        p.put("total", total);
        p.put("done", done);
        p.put("failed", failed);
        p.put("remaining", left);
        p.put("extracted", extracted);
        p.put("rate", Math.round(rate * 100) / 100.0);
        Object eta = left == 0 ? (Object) 0L : rate > 0 ? (Object) Math.round(left / rate) : null;
        p.put("eta", eta);
        p.put("processingStart", s.get("processingStart"));
        p.put("ingestionComplete", s.get("ingestionComplete"));
        p.put("processingEnd", s.get("processingEnd"));
        p.put("finished", extractionDone && remaining == 0 && !redriving(s));
        return p;
    }

    /** A redrive is moving images back (and the batch must not be closed meanwhile); a stale mark is ignored. */
    private boolean redriving(Map<String, Object> s) {
        return s.get("redriveStarted") instanceof String started
                && Instant.parse(started).plusMillis(orphanGraceMillis).isAfter(Instant.now());
    }

    /**
     * Records processingEnd: the open record becomes a closed one with the final figures (and the open record itself
     * under {@code record}, so that {@link #reopen} can restore it).
     */
    public void close(Map<String, Object> progress) {
        String id = (String) progress.get("batch");
        Map<String, Object> closed = new LinkedHashMap<>(progress);
        closed.put("processingEnd", Instant.now().toString());
        closed.put("finished", true);
        closed.put("remaining", 0);
        closed.put("eta", 0);
        Map<String, Object> open = get(openKey(id));
        if (open != null && redriving(open)) {
            return; // a redrive began after this batch looked finished: it is followed on
        }
        if (open != null) {
            closed.put("record", open);
        }
        put(closedKey(id), closed);
        s3.deleteObject(r -> r.bucket(bucket).key(openKey(id)));
    }

    /**
     * A redrive ({@link BatchRedrive}) is about to move some of the batch's images back: makes a finished batch open
     * again and marks the record so that the tracker does not finish it while images are on their way back (until
     * {@link #endRedrive}, or after {@code bulk.orphan-grace-ms} if the redrive stopped). Once they are processed the
     * tracker records processingEnd anew. Returns {@code "open"} when the batch was open already, {@code "reopened"},
     * or {@code "none"} when this book has no record of it.
     */
    @SuppressWarnings("unchecked")
    public String beginRedrive(String batchId) {
        Map<String, Object> open = get(openKey(batchId));
        String outcome = "open";
        if (open == null) {
            Map<String, Object> closed = get(closedKey(batchId));
            if (closed == null) {
                return "none";
            }
            if (closed.get("record") instanceof Map<?, ?> record) {
                open = new LinkedHashMap<>((Map<String, Object>) record);
            } else {
                // closed before records kept their open form: rebuild what progress() needs from the final figures
                open = new LinkedHashMap<>();
                open.put("batchId", batchId);
                open.put("zip", batchId + ".zip");
                open.put("total", closed.get("total"));
                open.put("processingStart", closed.get("processingStart"));
                open.put("ingestionComplete", closed.get("ingestionComplete"));
                open.put("extracted", closed.get("extracted"));
                long failed = ((Number) closed.getOrDefault("failed", 0)).longValue();
                open.put("extractFailed", Math.max(0, failed - count(bucket, prefix + "failed/" + batchId + "/")));
                open.put("doneEntries", "");
            }
            if (open.get("ingestionComplete") == null) {
                open.put("ingestionComplete", closed.getOrDefault("processingEnd", Instant.now().toString()));
            }
            outcome = "reopened";
        }
        open.put("redriveStarted", Instant.now().toString());
        open.put("updated", Instant.now().toString());
        put(openKey(batchId), open);
        if ("reopened".equals(outcome)) {
            s3.deleteObject(r -> r.bucket(bucket).key(closedKey(batchId)));
        }
        return outcome;
    }

    /** The redrive's images are back in the ingestion bucket: the tracker may finish the batch again. */
    public void endRedrive(String batchId) {
        Map<String, Object> open = get(openKey(batchId));
        if (open != null && open.remove("redriveStarted") != null) {
            open.put("updated", Instant.now().toString());
            put(openKey(batchId), open);
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
        return imagepipelines.aws.S3Objects.exists(s3, bucket, key);
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

    private void put(String key, Map<String, Object> value) {
        try {
            byte[] b = JSON.writeValueAsBytes(value);
            s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(b));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> get(String key) {
        try {
            return JSON.readValue(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray(), Map.class);
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
