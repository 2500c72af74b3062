package imagepipelines.faces;

import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

/**
 * The Java side of the faces routes' stages. State lives in exchange properties: {@code facesRequest},
 * {@code facesJob} (shared by the per-source sub-exchanges), {@code source}, {@code photo}, {@code encodings}.
 */
public final class FacesSteps {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FacesSteps.class);

    private final PhotoFetcher fetcher;
    private final FaceEncoder encoder;
    private final EncodingPoster poster;
    private final FacesStats stats;
    /** The last finished requests by id (outcomes only, no tokens), for GET /faces/requests/{id} and tests. */
    private final Map<String, FacesJob> finished = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, FacesJob> e) {
                    return size() > 1000;
                }
            });

    public FacesSteps(PhotoFetcher fetcher, FaceEncoder encoder, EncodingPoster poster, FacesStats stats) {
        this.fetcher = fetcher;
        this.encoder = encoder;
        this.poster = poster;
        this.stats = stats;
    }

    private final Map<String, FacesJob> running = new java.util.concurrent.ConcurrentHashMap<>();

    public FacesJob start(Exchange ex) {
        String id = ex.getProperty("requestId", String.class);
        FacesJob job = new FacesJob(id, ex.getProperty("facesRequest", FacesRequest.class));
        running.put(id, job);
        return job;
    }

    public void download(Exchange ex) throws FaceSourceException, TransientFaceException {
        FaceSource s = source(ex);
        long t0 = System.nanoTime();
        byte[] photo = fetcher.fetch(s.photoUrl());
        stats.add("download", System.nanoTime() - t0);
        ex.setProperty("photo", photo);
    }

    public void encode(Exchange ex) throws FaceSourceException {
        byte[] photo = ex.getProperty("photo", byte[].class);
        List<float[]> encodings = encoder.encodings(photo);
        ex.removeProperty("photo");
        ex.setProperty("encodings", encodings);
    }

    @SuppressWarnings("unchecked")
    public void post(Exchange ex) throws FaceSourceException, TransientFaceException {
        FacesJob job = job(ex);
        long t0 = System.nanoTime();
        poster.post(job.request(), source(ex), ex.getProperty("encodings", List.class));
        stats.add("post", System.nanoTime() - t0);
    }

    public void succeeded(Exchange ex) {
        FaceSource s = source(ex);
        int faces = ex.getProperty("encodings", List.class).size();
        job(ex).succeeded(s, faces);
        LOG.info("faces request {}: {} {}: {} encoding(s) accepted",
                job(ex).requestId(), s.type(), s.pk(), faces);
    }

    /** Records a failed source (called by the error handler); the token never appears in the reason. */
    public void failed(Exchange ex) {
        FaceSource s = source(ex);
        Throwable e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = e == null ? "unknown failure" : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (s.token() != null && !s.token().isEmpty()) {
            reason = reason.replace(s.token(), FaceSource.MASK);
        }
        ex.removeProperty("photo");
        job(ex).failed(s, reason);
        LOG.warn("faces request {}: {} {} failed: {}", job(ex).requestId(), s.type(),
                s.pk(), reason);
    }

    /** Logs the request's summary; true when every source failed (the request goes to the dead-letter queue). */
    public boolean finish(Exchange ex) {
        FacesJob job = job(ex);
        LOG.info("faces request {}: {} of {} source(s) done, {} failed, {} ms",
                job.requestId(), job.succeededCount(), job.request().sources().size(), job.failedCount(), job.elapsedMs());
        finished.put(job.requestId(), job);
        running.remove(job.requestId());
        return job.allFailed();
    }

    /** GET /faces/requests/{id}: state and per-source outcomes (no tokens); null when unknown. */
    public Map<String, Object> status(String requestId) {
        FacesJob job = finished(requestId);
        String state = "finished";
        if (job == null) {
            job = running.get(requestId);
            state = "running";
        }
        if (job == null) {
            return null;
        }
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("request_id", job.requestId());
        m.put("state", state);
        m.put("sources", job.request().sources().size());
        m.put("succeeded", job.succeededCount());
        m.put("failed", job.failedCount());
        List<Map<String, Object>> outcomes = new java.util.ArrayList<>();
        for (FacesJob.Outcome o : job.outcomes()) {
            Map<String, Object> om = new java.util.LinkedHashMap<>();
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

    /** A finished request, or null (unknown, still running, or long ago). */
    public FacesJob finished(String requestId) {
        return finished.get(requestId);
    }

    private static FaceSource source(Exchange ex) {
        return ex.getProperty("source", FaceSource.class);
    }

    private static FacesJob job(Exchange ex) {
        return ex.getProperty("facesJob", FacesJob.class);
    }
}
