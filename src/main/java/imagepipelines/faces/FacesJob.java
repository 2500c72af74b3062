package imagepipelines.faces;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One request being processed: the outcome of each source, collected from the parallel per-source routes (failed
 * downloads and encodings) and from the poster (encodings delivered or refused by the receiver).
 */
public final class FacesJob {

    /** What happened to one source; {@code reason} is null on success. Never holds the token. */
    public record Outcome(long pk, String type, String photoUrl, int faces, String reason) {
        public boolean ok() {
            return reason == null;
        }
    }

    private final String requestId;
    private final FacesRequest request;
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    /** Sources (type/pk) with an outcome: the first one counts; SQS's redeliveries can bring a second. */
    private final java.util.Set<String> recorded = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final int distinctSources;
    private final long startNanos = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicBoolean completed = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

    public FacesJob(String requestId, FacesRequest request) {
        this.requestId = requestId;
        this.request = request;
        this.distinctSources = (int) request.sources().stream().map(FacesJob::sourceKey).distinct().count();
    }

    private static String sourceKey(FaceSource s) {
        return s.type() + "/" + s.pk();
    }

    public String requestId() {
        return requestId;
    }

    public FacesRequest request() {
        return request;
    }

    /**
     * Records a source's outcome (the first for that source; a later one, e.g. of a redelivered post, is ignored);
     * true for the one call that completes the request (every source has one).
     */
    public boolean succeeded(FaceSource s, int faces) {
        return record(s, new Outcome(s.pk(), s.type(), s.photoUrl(), faces, null));
    }

    /** Records a source's failure; true for the one call that completes the request. */
    public boolean failed(FaceSource s, String reason) {
        return record(s, new Outcome(s.pk(), s.type(), s.photoUrl(), -1, reason));
    }

    private synchronized boolean record(FaceSource s, Outcome o) {
        if (!recorded.add(sourceKey(s))) {
            return false;
        }
        outcomes.add(o);
        boolean last = outcomes.size() >= distinctSources && completed.compareAndSet(false, true);
        if (last) {
            done.countDown();
        }
        return last;
    }

    /** Waits until every source has an outcome (posted or failed), at most {@code timeoutMs}; true when it has. */
    public boolean awaitComplete(long timeoutMs) throws InterruptedException {
        return done.await(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Every source has its outcome. */
    public boolean complete() {
        return completed.get();
    }

    public List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    public long succeededCount() {
        return outcomes.stream().filter(Outcome::ok).count();
    }

    public long failedCount() {
        return outcomes.stream().filter(o -> !o.ok()).count();
    }

    /** Sources encoded and on the post queue (the others failed). */
    public long handedOverCount() {
        return request.sources().size() - failedCount();
    }

    public boolean allFailed() {
        return succeededCount() == 0;
    }

    public long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Override
    public String toString() {
        return "FacesJob[" + requestId + ", " + request.sources().size() + " sources]";
    }
}
