package imagepipelines.faces;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Computed encodings wait on {@code faces.post-queue} (SQS, durable) for their turn at the receiver, so a throttled
 * receiver or a restart loses none and nothing is computed twice. {@link #queue} puts one source's encodings there;
 * {@link #deliver} handles one message of it: it takes the receiver host's next slot from the
 * {@link ReceiverRateLimiter}, waits in place for a turn less than a second away, and otherwise sends the post back to
 * the queue with that delay (SQS DelaySeconds, at most 15 minutes) and deletes the message it holds. A 429 holds the
 * host for its Retry-After and the post waits again (no attempt counted); 5xx, time-outs and refused connections are
 * retried with backoff up to {@code faces.retry.max}; other answers are final. Final outcomes go to the request's
 * job ({@link FacesJobs}), or, for a request this instance does not track, a refusal to the dead-letter queue.
 * A source the receiver accepted gets a {@link PostedMarks} mark; a post of a marked source (SQS delivered it again,
 * or the request was encoded again after its worker died) is done without a POST ({@code already_posted}), and so is
 * a 400 "not processing" for a source that has a mark (a copy of the post got there first) or whose earlier POST
 * was sent with no answer seen (an intent mark: its worker died before the posted mark).
 */
public final class FacesPostDelivery {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FacesPostDelivery.class);
    /** SQS's limit on a message, less headroom for attributes. */
    private static final int MAX_MESSAGE_BYTES = 250 * 1024;
    private static final int MAX_DELAY_SECONDS = 900;
    private static final long NOT_PROCESSING_RECHECK_MS = 1000;
    /** A post whose source another copy is posting from this instance right now waits this long on the queue. */
    private static final long IN_FLIGHT_WAIT_MS = 2000;

    private final SqsClient sqs;
    private final String queue;
    private final EncodingPoster poster;
    private final PostedMarks marks;
    private final ReceiverRateLimiter limiter;
    private final FacesJobs jobs;
    private final FacesStats stats;
    private final int maxRetries;
    private final long retryDelayMs;
    private final long retryMaxDelayMs;
    /** Slots booked for posts sent back to wait: message id -> epoch ms of the slot (lost on restart: booked anew). */
    private final Map<String, Long> booked = new ConcurrentHashMap<>();
    /** Marks' keys of the sources being posted now by this instance (two copies of a post are never sent at once). */
    private final java.util.Set<String> posting = ConcurrentHashMap.newKeySet();
    private volatile String queueUrl;

    public FacesPostDelivery(SqsClient sqs, String queue, EncodingPoster poster, PostedMarks marks,
            ReceiverRateLimiter limiter, FacesJobs jobs, FacesStats stats, int maxRetries, long retryDelayMs,
            long retryMaxDelayMs) {
        this.sqs = sqs;
        this.queue = queue;
        this.poster = poster;
        this.marks = marks;
        this.limiter = limiter;
        this.jobs = jobs;
        this.stats = stats;
        this.maxRetries = maxRetries;
        this.retryDelayMs = retryDelayMs;
        this.retryMaxDelayMs = retryMaxDelayMs;
    }

    /** Puts one source's encodings on the post queue (durably: SQS has it when this returns). */
    public void queue(String requestId, FacesRequest request, FaceSource s, List<float[]> encodings)
            throws FaceSourceException, JsonProcessingException {
        String body = QueuedPost.of(requestId, request, s, encodings).toJson();
        if (body.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
            throw new FaceSourceException(encodings.size() + " faces found: their encodings are larger than an SQS"
                    + " message can hold (" + MAX_MESSAGE_BYTES + " bytes)");
        }
        sqs.sendMessage(r -> r.queueUrl(queueUrl()).messageBody(body));
    }

    /**
     * One message of the post queue. Returns normally once the message is dealt with (deleted, or replaced by a
     * delayed copy); an exception leaves it on the queue, to be received again (its redrive policy parks it in the
     * queue's dead-letter queue after repeated failures). The answer, for the outcome counters: {@code posted},
     * {@code already_posted} (a mark says the receiver has it), {@code requeued} (waits on the queue for its turn or
     * its next attempt) or {@code failed <ERROR_CODE>}.
     */
    public String deliver(String body, String messageId, String receiptHandle) throws Exception {
        QueuedPost post = QueuedPost.parse(body);
        String host = URI.create(post.apiUrl()).getHost();
        if (alreadyPosted(post, receiptHandle)) {
            booked.remove(messageId);
            return "already_posted";
        }
        Long slot = booked.remove(messageId);
        long wait = slot != null ? slot - System.currentTimeMillis() : limiter.reserve(host);
        while (true) {
            if (wait >= 1000) {
                sendBack(post, wait, true);
                delete(receiptHandle);
                return "requeued";
            }
            sleep(wait);
            // right before the POST: another copy of it may be posting here now, or have been accepted meanwhile
            String key = marks.key(post.apiUrl(), post.source());
            if (!posting.add(key)) {
                sendBack(post, IN_FLIGHT_WAIT_MS, false);
                delete(receiptHandle);
                return "requeued";
            }
            PostedMarks.Mark before;
            try {
                before = marks.find(post.apiUrl(), post.source());
            } catch (TransientFaceException | RuntimeException e) {
                posting.remove(key);
                throw e; // S3 unreachable: the message comes back after its visibility timeout
            }
            if (before != null && before.posted()) {
                posting.remove(key);
                done(post, before.faces(), receiptHandle);
                return "already_posted";
            }
            long t0 = System.nanoTime();
            try {
                marks.posting(post.apiUrl(), post.source(), post.requestId());
                poster.post(post.resultUrl(), post.source(), post.floats());
                stats.add("post", System.nanoTime() - t0);
                marks.mark(post.apiUrl(), post.source(), post.requestId(), post.encodings().size());
                succeeded(post);
                delete(receiptHandle);
                return "posted";
            } catch (ReceiverThrottledException e) {
                LOG.info("faces request {}: {} {}: {}; waiting", post.requestId(), post.type(), post.pk(), e.getMessage());
                limiter.pause(host, e.retryAfterMs());
                wait = limiter.reserve(host);
            } catch (TransientFaceException e) {
                if (post.attempt() >= maxRetries) {
                    failed(post, e.getMessage() + " (after " + (post.attempt() + 1) + " attempts)");
                    delete(receiptHandle);
                    return "failed " + FacesFailureCodes.of(e, true);
                }
                long backoff = Math.min(retryMaxDelayMs, retryDelayMs << Math.min(20, post.attempt()));
                LOG.warn("faces request {}: {} {}: {}; attempt {} of {} in {} ms", post.requestId(), post.type(),
                        post.pk(), e.getMessage(), post.attempt() + 2, maxRetries + 1, backoff);
                post = post.nextAttempt();
                if (backoff >= 1000) {
                    sendBack(post, backoff, false);
                    delete(receiptHandle);
                    return "requeued";
                }
                sleep(backoff);
                wait = limiter.reserve(host);
            } catch (ReceiverNotProcessingException e) {
                if (before != null) {
                    // an earlier POST of it was sent and its answer never seen (its worker died before the mark)
                    marks.mark(post.apiUrl(), post.source(), post.requestId(), post.encodings().size());
                    done(post, post.encodings().size(), receiptHandle);
                    return "already_posted";
                }
                if (alreadyPosted(post, receiptHandle)) {
                    return "already_posted";
                }
                // a copy of this post accepted a moment ago may be writing its mark still: look once more
                sleep(NOT_PROCESSING_RECHECK_MS);
                if (alreadyPosted(post, receiptHandle)) {
                    return "already_posted";
                }
                failed(post, e.getMessage());
                delete(receiptHandle);
                return "failed " + FacesFailureCodes.of(e, true);
            } catch (FaceSourceException e) {
                failed(post, e.getMessage());
                delete(receiptHandle);
                return "failed " + FacesFailureCodes.of(e, true);
            } finally {
                posting.remove(key);
            }
        }
    }

    /** True, with the message deleted and the source recorded as done, when the source has a posted mark. */
    private boolean alreadyPosted(QueuedPost post, String receiptHandle) throws Exception {
        Integer faces = marks.posted(post.apiUrl(), post.source());
        if (faces == null) {
            return false;
        }
        done(post, faces, receiptHandle);
        return true;
    }

    private void done(QueuedPost post, int faces, String receiptHandle) throws Exception {
        LOG.info("faces request {}: {} {}: accepted by the receiver before (posted mark), not posted again",
                post.requestId(), post.type(), post.pk());
        jobs.posted(post, faces);
        delete(receiptHandle);
    }

    /** A copy of the post, delivered again after {@code delayMs}; a booked slot stays with the copy. */
    private void sendBack(QueuedPost post, long delayMs, boolean slotBooked) throws JsonProcessingException {
        int seconds = (int) Math.min(MAX_DELAY_SECONDS, (delayMs + 999) / 1000);
        String body = post.toJson();
        String id = sqs.sendMessage(r -> r.queueUrl(queueUrl()).messageBody(body).delaySeconds(seconds)).messageId();
        if (slotBooked) {
            booked.put(id, System.currentTimeMillis() + delayMs);
        }
        LOG.debug("faces request {}: {} {} waits {} s for its turn", post.requestId(), post.type(), post.pk(), seconds);
    }

    private void succeeded(QueuedPost post) throws Exception {
        int faces = post.encodings().size();
        LOG.info("faces request {}: {} {}: {} encoding(s) accepted", post.requestId(), post.type(), post.pk(), faces);
        jobs.posted(post, faces);
    }

    private void failed(QueuedPost post, String reason) throws Exception {
        String r = post.token().isEmpty() ? reason : reason.replace(post.token(), FaceSource.MASK);
        LOG.warn("faces request {}: {} {} failed: {}", post.requestId(), post.type(), post.pk(), r);
        jobs.postFailed(post, r);
    }

    private void delete(String receiptHandle) {
        sqs.deleteMessage(r -> r.queueUrl(queueUrl()).receiptHandle(receiptHandle));
    }

    private String queueUrl() {
        if (queueUrl == null) {
            queueUrl = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        }
        return queueUrl;
    }

    private static void sleep(long ms) throws InterruptedException {
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }
}
