package imagepipelines.faces;

import imagepipelines.testsupport.TestPipelines;
import org.apache.camel.builder.NotifyBuilder;

/** Camel's NotifyBuilder on the faces routes of a {@link TestPipelines}: create before sending, then assertDone. */
final class FacesNotify {

    private FacesNotify() {
    }

    /**
     * Matches once faces-intake-sqs is done with a message of each of these bodies: its sources encoded and on the
     * post queue, or failed (a request whose sources all failed is finished then, its dead letter written).
     */
    static NotifyBuilder requestsDone(TestPipelines p, String... bodies) {
        // a request's sources are split parts of its exchange (with its properties): only the whole counts
        return p.whenDone("faces-intake-sqs", e -> TestPipelines.isWhole(e)
                ? e.getProperty("sqsReceivedBody", String.class) : null, bodies);
    }

    /**
     * Matches once faces-post-encodings has delivered a post of each source (by token): posted, or failed for good;
     * a post sent back to the queue for its turn or a later attempt ("requeued") does not count.
     */
    static NotifyBuilder postsDone(TestPipelines p, String... tokens) {
        return p.whenDone("faces-post-encodings", e -> {
            String outcome = e.getProperty("facesPostOutcome", String.class);
            if (outcome == null || outcome.equals("requeued")) {
                return null;
            }
            try {
                return QueuedPost.parse(e.getMessage().getBody(String.class)).token();
            } catch (Exception notAPost) {
                return null;
            }
        }, tokens);
    }
}
