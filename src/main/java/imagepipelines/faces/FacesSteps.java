package imagepipelines.faces;

import java.util.List;

import org.apache.camel.Exchange;

/**
 * The Java side of the faces routes' stages. State lives in exchange properties: {@code facesRequest},
 * {@code facesJob} (shared by the per-source sub-exchanges), {@code source}, {@code photo}, {@code encodings}.
 */
public final class FacesSteps {

    private static final System.Logger LOG = System.getLogger("imagepipelines.faces");

    private final PhotoFetcher fetcher;
    private final FaceEncoder encoder;
    private final EncodingPoster poster;
    private final FacesStats stats;

    public FacesSteps(PhotoFetcher fetcher, FaceEncoder encoder, EncodingPoster poster, FacesStats stats) {
        this.fetcher = fetcher;
        this.encoder = encoder;
        this.poster = poster;
        this.stats = stats;
    }

    public FacesJob start(Exchange ex) {
        String id = ex.getProperty("requestId", String.class);
        return new FacesJob(id, ex.getProperty("facesRequest", FacesRequest.class));
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
        stats.add("source", 0);
        LOG.log(System.Logger.Level.INFO, "faces request {0}: {1} {2}: {3} encoding(s) accepted",
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
        LOG.log(System.Logger.Level.WARNING, "faces request {0}: {1} {2} failed: {3}", job(ex).requestId(), s.type(),
                s.pk(), reason);
    }

    /** Logs the request's summary; true when every source failed (the request goes to the dead-letter queue). */
    public boolean finish(Exchange ex) {
        FacesJob job = job(ex);
        LOG.log(System.Logger.Level.INFO, "faces request {0}: {1} of {2} source(s) done, {3} failed, {4} ms",
                job.requestId(), job.succeededCount(), job.request().sources().size(), job.failedCount(), job.elapsedMs());
        return job.allFailed();
    }

    private static FaceSource source(Exchange ex) {
        return ex.getProperty("source", FaceSource.class);
    }

    private static FacesJob job(Exchange ex) {
        return ex.getProperty("facesJob", FacesJob.class);
    }
}
