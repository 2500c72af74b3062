package imagepipelines.faces;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** One request being processed: the outcome of each source, collected from the parallel per-source routes. */
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
    private final long startNanos = System.nanoTime();

    public FacesJob(String requestId, FacesRequest request) {
        this.requestId = requestId;
        this.request = request;
    }

    public String requestId() {
        return requestId;
    }

    public FacesRequest request() {
        return request;
    }

    public void succeeded(FaceSource s, int faces) {
        outcomes.add(new Outcome(s.pk(), s.type(), s.photoUrl(), faces, null));
    }

    public void failed(FaceSource s, String reason) {
        outcomes.add(new Outcome(s.pk(), s.type(), s.photoUrl(), -1, reason));
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
