package imagepipelines.faces;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.RuntimeCamelException;

/**
 * The requests of this instance: running ones, and the last 1000 finished (outcomes only, no tokens) for
 * GET /faces/requests/{id}. A request finishes when its last source has an outcome, which may come from the
 * request's own route (download or encoding failed) or later from the poster; a request none of whose sources
 * succeeded then goes to the dead-letter queue.
 */
public final class FacesJobs {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FacesJobs.class);

    private final FacesDeadLetters deadLetters;
    private final Map<String, FacesJob> running = new ConcurrentHashMap<>();
    private final Map<String, FacesJob> finished = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FacesJob> e) {
            return size() > 1000;
        }
    });

    public FacesJobs(FacesDeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    public FacesJob start(String requestId, FacesRequest request) {
        FacesJob job = new FacesJob(requestId, request);
        running.put(requestId, job);
        return job;
    }

    /** The running job of that id in this instance, or null (finished, unknown, or started before a restart). */
    public FacesJob running(String requestId) {
        return running.get(requestId);
    }

    public void succeeded(FacesJob job, FaceSource s, int faces) throws Exception {
        if (job.succeeded(s, faces)) {
            finish(job);
        }
    }

    public void failed(FacesJob job, FaceSource s, String reason) throws Exception {
        if (job.failed(s, reason)) {
            finish(job);
        }
    }

    /** The receiver has a queued post's encodings: recorded in its request's job when this instance runs it. */
    public void posted(QueuedPost post, int faces) throws Exception {
        FacesJob job = running(post.requestId());
        if (job != null) {
            succeeded(job, post.source(), faces);
        }
    }

    /** The receiver refused a queued post: recorded in its job, or dead-lettered for a request not running here. */
    public void postFailed(QueuedPost post, String reason) throws Exception {
        FacesJob job = running(post.requestId());
        if (job != null) {
            failed(job, post.source(), reason);
        } else {
            deadLetters.postFailed(post, reason);
        }
    }

    /** A source with a posted mark (faces-process-source): the receiver has its encodings; not encoded again. */
    public void alreadyPosted(FacesJob job, FaceSource s, int faces) throws Exception {
        LOG.info("faces request {}: {} {}: accepted by the receiver before (posted mark), not encoded again",
                job.requestId(), s.type(), s.pk());
        succeeded(job, s, faces);
    }

    /** A source whose download or encoding failed (faces-source-errors); the token never appears in the reason. */
    public void sourceFailed(FacesJob job, FaceSource s, Throwable e) throws Exception {
        while ((e instanceof CompletionException || e instanceof RuntimeCamelException) && e.getCause() != null) {
            e = e.getCause();
        }
        String reason = e == null ? "unknown failure" : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (s.token() != null && !s.token().isEmpty()) {
            reason = reason.replace(s.token(), FaceSource.MASK);
        }
        LOG.warn("faces request {}: {} {} failed: {}", job.requestId(), s.type(), s.pk(), reason);
        failed(job, s, reason);
    }

    private void finish(FacesJob job) throws Exception {
        LOG.info("faces request {}: {} of {} source(s) done, {} failed, {} ms", job.requestId(), job.succeededCount(),
                job.request().sources().size(), job.failedCount(), job.elapsedMs());
        finished.put(job.requestId(), job);
        running.remove(job.requestId());
        if (job.allFailed()) {
            deadLetters.allFailed(job);
        }
    }

    /** A finished request, or null (unknown, still running, or long ago). */
    public FacesJob finished(String requestId) {
        return finished.get(requestId);
    }

    /**
     * The status once the request has finished (its encodings posted, or failed), or as it stands after
     * {@code timeoutMs}: a synchronous caller (Lambda RequestResponse) gets the receiver's answers, not only the queue.
     */
    public Map<String, Object> awaitStatus(String requestId, long timeoutMs) throws InterruptedException {
        FacesJob job = running.get(requestId);
        if (job != null) {
            job.awaitComplete(timeoutMs);
        }
        return status(requestId);
    }

    /** GET /faces/requests/{id}: state and per-source outcomes (no tokens); null when unknown. */
    public Map<String, Object> status(String requestId) {
        // running first: a job is put into finished before it leaves running, so one of the two lookups finds it
        // (the other order missed a job finishing between them, and a RequestResponse caller got no status)
        FacesJob job = running.get(requestId);
        if (job == null) {
            job = finished(requestId);
        }
        if (job == null) {
            return null;
        }
        String state = job.complete() ? "finished" : "running";
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", job.requestId());
        m.put("state", state);
        m.put("sources", job.request().sources().size());
        m.put("succeeded", job.succeededCount());
        m.put("failed", job.failedCount());
        List<Map<String, Object>> outcomes = new ArrayList<>();
        for (FacesJob.Outcome o : job.outcomes()) {
            Map<String, Object> om = new LinkedHashMap<>();
            om.put("pk", o.pk());
            om.put("type", o.type());
            if (o.ok()) {
                om.put("faces", o.faces());
            } else {
                om.put("reason", o.reason());
            }
            outcomes.add(om);
        }
        m.put("outcomes", outcomes);
        return m;
    }
}
