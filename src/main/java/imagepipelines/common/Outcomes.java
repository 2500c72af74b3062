package imagepipelines.common;

import java.util.ArrayList;
import java.util.List;

import imagepipelines.aerial.AerialJob;
import imagepipelines.faces.FacesFailureCodes;
import imagepipelines.ingest.bulk.BulkRun;
import org.apache.camel.Exchange;

// Takes an Exchange: PipelineMetrics hands it each finished exchange, whose properties tell the outcome.
/**
 * What each workflow's outcome stages mean as counts of {@code pipelines_outcomes_total}: read from the exchange
 * when a send to the stage (a {@code direct:} endpoint) finishes, or when a whole route's exchange completes.
 * Tags come from fixed words and error codes only, never from keys, ids, hosts or messages.
 */
final class Outcomes {

    record Count(String workflow, String stage, String outcome, String errorCode, double amount) {
        Count(String workflow, String stage, String outcome, String errorCode) {
            this(workflow, stage, outcome, errorCode, 1);
        }
    }

    static final String NONE = "none";

    private Outcomes() {
    }

    /** The counts of a finished send to {@code uri}; empty for endpoints that record no outcome. */
    static List<Count> ofSend(String uri, Exchange ex) {
        if (!uri.startsWith("direct://")) {
            return List.of();
        }
        String code = ex.getProperty("errorCode", String.class);
        boolean failed = ex.getException() != null;
        switch (uri.substring("direct://".length())) {
            case "ingest-store-outputs":
                // a repeat's serving objects checked on its way to the dead-letter bucket is not a stored image
                return failed || code != null ? List.of() : List.of(new Count("ingest", "store-outputs", "stored", NONE));
            case "ingest-dead-letter":
                return failed ? List.of()
                        : List.of(new Count("ingest", "dead-letter", "dead_lettered", code == null ? NONE : code));
            case "ingest-park-upload":
                return failed ? List.of() : List.of(new Count("ingest", "park-upload", "parked", NONE));
            case "ingest-bulk-split-zip":
                return failed ? List.of() : bulkEntries(ex.getProperty("bulk", BulkRun.class));
            case "ingest-bulk-keep-zip": {
                BulkRun bulk = ex.getProperty("bulk", BulkRun.class);
                return failed || bulk == null ? List.of()
                        : List.of(new Count("ingest", "bulk-keep-zip", "zip_dead_lettered", bulk.deadLetterCode()));
            }
            case "aerial-store-cog":
                return failed ? List.of() : List.of(new Count("aerial", "store-cog", "cog_made", NONE));
            case "aerial-error-record":
                return failed ? List.of() : List.of(aerialError(ex));
            case "faces-validate-request":
                return List.of(failed ? new Count("faces", "validate-request", "request_rejected", "INVALID_REQUEST")
                        : new Count("faces", "validate-request", "request_accepted", NONE));
            case "faces-process-source":
                return List.of(facesSource(ex));
            default:
                return List.of();
        }
    }

    /** The counts of a whole route's exchange (routes whose outcome is decided inside a bean). */
    static List<Count> ofRoute(String routeId, Exchange ex) {
        if ("faces-post-encodings".equals(routeId)) {
            // FacesPostDelivery.deliver's answer: posted, already_posted, requeued (waits for its turn) or failed CODE
            String o = ex.getProperty("facesPostOutcome", String.class);
            if (o == null || o.equals("requeued")) {
                return List.of();
            }
            String[] p = o.split(" ", 2);
            return List.of(new Count("faces", "post-encodings", p[0], p.length > 1 ? p[1] : NONE));
        }
        if ("ingest-replay-parked".equals(routeId)) {
            Integer n = ex.getProperty("replayed", Integer.class);
            return n == null || n == 0 ? List.of() : List.of(new Count("ingest", "replay-parked", "replayed", NONE, n));
        }
        return List.of();
    }

    private static List<Count> bulkEntries(BulkRun bulk) {
        if (bulk == null) {
            return List.of();
        }
        List<Count> out = new ArrayList<>();
        out.add(new Count("ingest", "bulk-split-zip", "zip_split", NONE));
        add(out, "entry_extracted", NONE, bulk.extracted());
        add(out, "entry_failed", "BAD_ENTRY", bulk.extractFailed() + bulk.refusedImages());
        add(out, "entry_skipped", "HIDDEN", bulk.hidden());
        add(out, "entry_skipped", "NOT_AN_IMAGE", bulk.nonImages().size());
        return out;
    }

    private static void add(List<Count> out, String outcome, String code, int n) {
        if (n > 0) {
            out.add(new Count("ingest", "bulk-split-zip", outcome, code, n));
        }
    }

    /** A key off the layout is {@code rejected}; a georef upload that failed a stage is {@code failed} there. */
    private static Count aerialError(Exchange ex) {
        AerialJob job = ex.getProperty("aerial", AerialJob.class);
        if (job != null && job.kind() == AerialJob.Kind.INVALID) {
            return new Count("aerial", "classify-upload", "rejected", "INVALID_KEY");
        }
        String stage = ex.getProperty("aerialStage", String.class);
        stage = stage == null ? "error-record" : stage.replaceFirst("^aerial-", "");
        Throwable e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return new Count("aerial", stage, "failed", ErrorCodes.of(e));
    }

    /**
     * A source ends here encoded (its encodings queued for posting), already posted (a posted mark: the receiver has
     * it, nothing encoded or posted) or failed with a code.
     */
    private static Count facesSource(Exchange ex) {
        Throwable e = ex.getException() != null ? ex.getException()
                : ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (e == null && ex.getProperty("postedFaces") != null) {
            return new Count("faces", "process-source", "already_posted", NONE);
        }
        if (e == null) {
            return new Count("faces", "encode-photo", "encoded", NONE);
        }
        String stage = ex.getProperty(PipelineMetrics.FAILED_STAGE, String.class);
        stage = stage == null ? "process-source" : stage;
        return new Count("faces", stage, "failed", FacesFailureCodes.of(e, false));
    }
}
