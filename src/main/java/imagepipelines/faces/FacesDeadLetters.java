package imagepipelines.faces;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Writes to the faces dead-letter queue: malformed requests (with the reason and the request, tokens masked) and
 * requests whose every source failed (each source's reason; tokens removed, photo URLs without their signature).
 */
public final class FacesDeadLetters {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FacesDeadLetters.class);
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** A request that failed validation; the reason is the caught exception's message. */
    public void malformed(Exchange ex) throws JsonProcessingException {
        Throwable e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = e == null ? "invalid request" : e.getMessage();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", ex.getProperty("requestId", String.class));
        m.put("error", "INVALID_REQUEST");
        m.put("reason", reason);
        m.put("time", Instant.now().toString());
        m.put("request", FacesRequestReader.masked(ex.getIn().getBody(String.class)));
        send(JSON.writeValueAsString(m));
        LOG.warn("faces request {} rejected to {}: {}", m.get("request_id"), queue, reason);
    }

    /** A request none of whose sources could be processed. */
    public void allFailed(Exchange ex) throws JsonProcessingException {
        FacesJob job = ex.getProperty("facesJob", FacesJob.class);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", job.requestId());
        m.put("error", "ALL_SOURCES_FAILED");
        m.put("reason", "all " + job.request().sources().size() + " source(s) failed");
        m.put("time", Instant.now().toString());
        m.put("api_url", job.request().apiUrl());
        List<Map<String, Object>> sources = new ArrayList<>();
        for (FacesJob.Outcome o : job.outcomes()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("pk", o.pk());
            s.put("type", o.type());
            s.put("photo_url", UrlPolicy.withoutQuery(o.photoUrl()));
            s.put("token", FaceSource.MASK);
            s.put("reason", o.reason());
            sources.add(s);
        }
        m.put("sources", sources);
        send(JSON.writeValueAsString(m));
        LOG.warn("faces request {}: every source failed, dead-lettered to {}",
                job.requestId(), queue);
    }

    private void send(String body) {
        if (queueUrl == null) {
            queueUrl = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        }
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }
}
