package imagepipelines.faces;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Writes to the faces dead-letter queue: malformed requests (with the reason and the request, tokens masked),
 * requests whose every source failed (each source's reason; tokens removed, photo URLs without their signature), and
 * posts the receiver refused for a request this instance no longer tracks. Every message stays within SQS's
 * 256 KiB: the sources of a large request are split over several messages ({@code "part"} i of {@code "parts"} n,
 * same {@code request_id}), and a malformed request's text is cut.
 */
public final class FacesDeadLetters {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FacesDeadLetters.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** SQS allows 262,144 bytes; the rest is headroom for the envelope of each part. */
    static final int MAX_MESSAGE_BYTES = 240 * 1024;
    private static final int MAX_FIELD_CHARS = 2000;
    private static final int MAX_REQUEST_CHARS = 200 * 1024;

    private final SqsClient sqs;
    private final String queue;
    private volatile String queueUrl;

    public FacesDeadLetters(SqsClient sqs, String queue) {
        this.sqs = sqs;
        this.queue = queue;
    }

    public String queue() {
        return queue;
    }

    /** A request that failed validation ({@code e}: why); {@code body} is the request as received. */
    public void malformed(String requestId, String body, Throwable e) throws JsonProcessingException {
        String reason = e == null ? "invalid request" : e.getMessage();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", requestId);
        m.put("error", "INVALID_REQUEST");
        m.put("reason", cut(reason));
        m.put("time", Instant.now().toString());
        String request = FacesRequestReader.masked(body);
        if (request != null && request.length() > MAX_REQUEST_CHARS) {
            m.put("request_truncated_from_chars", request.length());
            request = request.substring(0, MAX_REQUEST_CHARS) + "…";
        }
        m.put("request", request);
        send(JSON.writeValueAsString(m));
        LOG.warn("faces request {} rejected to {}: {}", m.get("request_id"), queue, reason);
    }

    /** A request none of whose sources could be processed: one message, or several parts for a large request. */
    public void allFailed(FacesJob job) throws JsonProcessingException {
        List<String> sources = new ArrayList<>();
        for (FacesJob.Outcome o : job.outcomes()) {
            sources.add(JSON.writeValueAsString(source(o.pk(), o.type(), o.photoUrl(), o.reason())));
        }
        List<List<String>> parts = new ArrayList<>();
        List<String> part = new ArrayList<>();
        int bytes = 0;
        for (String s : sources) {
            int size = s.getBytes(StandardCharsets.UTF_8).length + 1;
            if (!part.isEmpty() && bytes + size > MAX_MESSAGE_BYTES - 8192) {
                parts.add(part);
                part = new ArrayList<>();
                bytes = 0;
            }
            part.add(s);
            bytes += size;
        }
        parts.add(part);
        String time = Instant.now().toString();
        for (int i = 0; i < parts.size(); i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("request_id", job.requestId());
            m.put("error", "ALL_SOURCES_FAILED");
            m.put("reason", "all " + job.request().sources().size() + " source(s) failed");
            m.put("time", time);
            m.put("api_url", cut(job.request().apiUrl()));
            m.put("part", i + 1);
            m.put("parts", parts.size());
            String head = JSON.writeValueAsString(m);
            send(head.substring(0, head.length() - 1) + ",\"sources\":[" + String.join(",", parts.get(i)) + "]}");
        }
        LOG.warn("faces request {}: every source failed, dead-lettered to {} in {} message(s)",
                job.requestId(), queue, parts.size());
    }

    /** The receiver refused a queued post of a request this instance does not track (restart, other replica). */
    public void postFailed(QueuedPost post, String reason) throws JsonProcessingException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", post.requestId());
        m.put("error", "POST_FAILED");
        m.put("reason", cut(reason));
        m.put("time", Instant.now().toString());
        m.put("api_url", post.apiUrl());
        m.put("part", 1);
        m.put("parts", 1);
        m.put("sources", List.of(source(post.pk(), post.type(), post.photoUrl(), reason)));
        send(JSON.writeValueAsString(m));
        LOG.warn("faces request {}: {} {} refused by the receiver, dead-lettered to {}", post.requestId(),
                post.type(), post.pk(), queue);
    }

    private static Map<String, Object> source(long pk, String type, String photoUrl, String reason) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("pk", pk);
        s.put("type", type);
        s.put("photo_url", cut(UrlPolicy.withoutQuery(photoUrl)));
        s.put("token", FaceSource.MASK);
        s.put("reason", cut(reason));
        return s;
    }

    private static String cut(String s) {
        return s == null || s.length() <= MAX_FIELD_CHARS ? s : s.substring(0, MAX_FIELD_CHARS) + "…";
    }

    private void send(String body) {
        if (queueUrl == null) {
            queueUrl = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        }
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }
}
