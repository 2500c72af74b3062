package imagepipelines.faces;

import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

/**
 * The Java side of the faces routes' stages. State lives in exchange properties: {@code facesRequest},
 * {@code facesJob} (shared by the per-source sub-exchanges), {@code source}, {@code photo}, {@code encodings}.
 * A source ends here when its download or encoding fails; computed encodings go to the post queue
 * ({@link FacesPostDelivery}), whose poster records their outcome.
 */
public final class FacesSteps {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FacesSteps.class);

    private final FaceEncoder encoder;
    private final FacesPostDelivery delivery;
    private final FacesJobs jobs;

    public FacesSteps(FaceEncoder encoder, FacesPostDelivery delivery, FacesJobs jobs) {
        this.encoder = encoder;
        this.delivery = delivery;
        this.jobs = jobs;
    }

    public FacesJob start(Exchange ex) {
        return jobs.start(ex.getProperty("requestId", String.class), ex.getProperty("facesRequest", FacesRequest.class));
    }

    /** The downloaded photo's encodings; the photo's place among faces.download.in-flight is given back. */
    public void encode(Exchange ex) throws FaceSourceException {
        PhotoDownloads.HeldPhoto photo = ex.getProperty("photo", PhotoDownloads.HeldPhoto.class);
        try {
            ex.setProperty("encodings", encoder.encodings(photo.bytes()));
        } finally {
            photo.release();
            ex.removeProperty("photo");
        }
    }

    /** The encodings wait on the post queue for the receiver's rate limit; the poster records the outcome. */
    @SuppressWarnings("unchecked")
    public void queuePost(Exchange ex) throws Exception {
        FacesJob job = job(ex);
        delivery.queue(job.requestId(), job.request(), source(ex), ex.getProperty("encodings", List.class));
        ex.removeProperty("encodings");
    }

    /** Records a failed source (called by the error handler); the token never appears in the reason. */
    public void failed(Exchange ex) throws Exception {
        FaceSource s = source(ex);
        Throwable e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = e == null ? "unknown failure" : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (s.token() != null && !s.token().isEmpty()) {
            reason = reason.replace(s.token(), FaceSource.MASK);
        }
        PhotoDownloads.HeldPhoto photo = ex.getProperty("photo", PhotoDownloads.HeldPhoto.class);
        if (photo != null) {
            photo.release();
            ex.removeProperty("photo");
        }
        LOG.warn("faces request {}: {} {} failed: {}", job(ex).requestId(), s.type(), s.pk(), reason);
        jobs.failed(job(ex), s, reason);
    }

    /** Every source of the request is encoded and queued for posting, or failed: the request message can go. */
    public void handedOver(Exchange ex) {
        FacesJob job = job(ex);
        LOG.info("faces request {}: {} source(s) handed to the poster, {} failed, {} ms", job.requestId(),
                job.request().sources().size() - job.failedCount(), job.failedCount(), job.elapsedMs());
    }

    /** GET /faces/requests/{id}: state and per-source outcomes (no tokens); null when unknown. */
    public Map<String, Object> status(String requestId) {
        return jobs.status(requestId);
    }

    /** The status after the request finished, or after {@code timeoutMs} (Lambda RequestResponse). */
    public Map<String, Object> awaitStatus(String requestId, long timeoutMs) throws InterruptedException {
        return jobs.awaitStatus(requestId, timeoutMs);
    }

    /** A finished request, or null (unknown, still running, or long ago). */
    public FacesJob finished(String requestId) {
        return jobs.finished(requestId);
    }

    private static FaceSource source(Exchange ex) {
        return ex.getProperty("source", FaceSource.class);
    }

    private static FacesJob job(Exchange ex) {
        return ex.getProperty("facesJob", FacesJob.class);
    }
}
