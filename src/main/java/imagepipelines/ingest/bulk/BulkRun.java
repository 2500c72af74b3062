package imagepipelines.ingest.bulk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One bulk upload being worked on: the batch, the entries to extract, and what went wrong. Shared (by reference)
 * by the parallel sub-exchanges of the split, hence the synchronized lists and atomic counters.
 */
public final class BulkRun {

    /** An entry to extract: its catalog record, its key in the ingestion bucket, and its byte range in the zip. */
    public record Planned(ZipCatalog.Entry entry, String path, String key, long rangeStart, long rangeEnd) {
    }

    /**
     * Planned entries that lie next to each other in the zip (no other entry between them), read with one ranged GET
     * from the first one's local header to the end of the last one.
     */
    public record Group(List<Planned> entries) {
        public long rangeStart() {
            return entries.get(0).rangeStart();
        }

        public long rangeEnd() {
            return entries.get(entries.size() - 1).rangeEnd();
        }

        public long bytes() {
            return rangeEnd() - rangeStart() + 1;
        }
    }

    private final String batchId;
    private final String bucket;
    private final String zipKey;
    private final String zipName;
    private final Instant started = Instant.now();
    private final List<Planned> planned = new ArrayList<>();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final List<String> nonImages = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger hidden = new AtomicInteger();
    private final AtomicInteger extracted = new AtomicInteger();
    private final AtomicInteger extractFailed = new AtomicInteger();
    private final AtomicLong inflatedBytes = new AtomicLong();
    private final AtomicInteger refusedImages = new AtomicInteger();
    private volatile String fatal;
    private volatile String repeated;
    private volatile String keptAs;
    private volatile boolean gone;
    /** Catalog indexes of the entries written to the ingestion bucket (this run and, after a crash, earlier runs). */
    private final BitSet done = new BitSet();
    /** Catalog indexes of the entries this run recorded as failed. */
    private final BitSet failed = new BitSet();
    private int resumed;

    public BulkRun(String batchId, String bucket, String zipKey, String zipName) {
        this.batchId = batchId;
        this.bucket = bucket;
        this.zipKey = zipKey;
        this.zipName = zipName;
    }

    public String batchId() {
        return batchId;
    }

    public String bucket() {
        return bucket;
    }

    public String zipKey() {
        return zipKey;
    }

    public String zipName() {
        return zipName;
    }

    /**
     * Where a kept zip goes in the dead-letter bucket: {@code <code>/<batchId or UNKNOWN_BATCH>/<zip key>} (the
     * whole key, so zips of the same name from different folders keep one dead letter each).
     */
    public String deadLetterKey() {
        return deadLetterCode() + "/" + (batchId == null ? "UNKNOWN_BATCH" : batchId) + "/" + zipKey;
    }

    /** {@code REPEATED_BATCH_UPLOAD} for a zip of a batch ingested already, else {@code BAD_ARCHIVE}. */
    public String deadLetterCode() {
        return repeated != null ? "REPEATED_BATCH_UPLOAD" : "BAD_ARCHIVE";
    }

    /** The zip's key in the dead-letter bucket once it was kept (it may differ from {@link #deadLetterKey()}). */
    public String keptAs() {
        return keptAs != null ? keptAs : deadLetterKey();
    }

    public void keptAs(String key) {
        keptAs = key;
    }

    /**
     * The zip belongs to a batch that was ingested already (uploaded again): it is not run again, its images would
     * come back as duplicates and the batch's progress would be counted twice.
     */
    public void repeated(String why) {
        repeated = why;
        planned.clear();
    }

    public String repeated() {
        return repeated;
    }

    public Instant started() {
        return started;
    }

    public List<Planned> planned() {
        return planned;
    }

    /**
     * The batch's images (CONTRACTS: entries with an image extension, not hidden, not {@code __MACOSX/}): those to
     * extract, those an interrupted earlier run already extracted, and image entries refused by the plan (encrypted,
     * too large, ...), which count as failed.
     */
    public int total() {
        return planned.size() + resumed + refusedImages.get();
    }

    /** An image entry the plan refused (it counts in {@link #total()} and as failed). */
    public void refusedImage(String message) {
        refusedImages.incrementAndGet();
        problem(message);
    }

    public int refusedImages() {
        return refusedImages.get();
    }

    public synchronized void markDone(int index) {
        done.set(index);
    }

    public synchronized boolean isDone(int index) {
        return done.get(index);
    }

    /** Written, or recorded as failed by this run. */
    public synchronized boolean isSettled(int index) {
        return done.get(index) || failed.get(index);
    }

    /** The extracted entries, for the batch record (base64 of a bit set of catalog indexes). */
    public synchronized String doneEntries() {
        return Base64.getEncoder().encodeToString(done.toByteArray());
    }

    /**
     * Continues an extraction that was interrupted (crash, redeploy): entries the earlier run recorded as written are
     * not written again, since they may already be processed and would come back as duplicates.
     */
    public synchronized int resume(String doneEntries) {
        BitSet earlier = BitSet.valueOf(Base64.getDecoder().decode(doneEntries));
        int before = planned.size();
        planned.removeIf(p -> earlier.get(p.entry().index()));
        resumed = before - planned.size();
        done.or(earlier);
        return resumed;
    }

    public void problem(String message) {
        problems.add(message);
    }

    public List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    public void nonImage(String name) {
        nonImages.add(name);
    }

    public List<String> nonImages() {
        synchronized (nonImages) {
            return List.copyOf(nonImages);
        }
    }

    public void hiddenSkipped() {
        hidden.incrementAndGet();
    }

    public int hidden() {
        return hidden.get();
    }

    private volatile int lastCheckpoint;

    public void extractedOne() {
        extracted.incrementAndGet();
    }

    /** True once per {@code every} extracted entries (for one thread), to write the batch record in between. */
    public synchronized boolean checkpointDue(int every) {
        int n = extracted.get();
        if (every > 0 && n - lastCheckpoint >= every) {
            lastCheckpoint = n;
            return true;
        }
        return false;
    }

    public int extracted() {
        return extracted.get() + resumed;
    }

    /** The entry at catalog {@code index} could not be extracted (it is not tried again in this run). */
    public void failedOne(int index, String message) {
        synchronized (this) {
            failed.set(index);
        }
        extractFailed.incrementAndGet();
        problem(message);
    }

    public int extractFailed() {
        return extractFailed.get();
    }

    public long addInflated(long bytes) {
        return inflatedBytes.addAndGet(bytes);
    }

    public long inflated() {
        return inflatedBytes.get();
    }

    /** The archive as a whole is refused (only decided while planning): nothing is extracted, one error says why. */
    public void fatal(String message) {
        fatal = message;
        planned.clear();
        refusedImages.set(0);
        problems.clear();
        nonImages.clear();
    }

    public String fatal() {
        return fatal;
    }

    /** The zip is no longer in the bucket: a repeated event for an upload already handled. */
    public void gone() {
        gone = true;
    }

    public boolean isGone() {
        return gone;
    }

    /**
     * The zip is deleted only when every entry that was not a hidden file was extracted; otherwise it is kept (in
     * the dead-letter bucket) so nothing the user sent is lost.
     */
    public boolean keepZip() {
        return fatal != null || repeated != null || !problems().isEmpty() || !nonImages().isEmpty();
    }


    /** See {@link EntryGroups#of}. */
    public List<Group> groups(int workers, long maxGroupBytes) {
        return EntryGroups.of(planned, workers, maxGroupBytes);
    }

    /** Why the zip is kept, for its dead letter's metadata ({@link BulkMessages#deadLetterReason}). */
    public String deadLetterReason() {
        return BulkMessages.deadLetterReason(this);
    }

    /** The batch error for a repeated upload. */
    public String repeatedError() {
        return BulkMessages.repeatedError(this);
    }

    /** The batch errors to record ({@link BulkMessages#batchErrors}). */
    public List<String> batchErrors(int max) {
        return BulkMessages.batchErrors(this, max);
    }
}
