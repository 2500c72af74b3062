package imagepipelines.faces;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

// Sees an Exchange only as the answer of its ProducerTemplate call to the camel-http route (status, body, failure).
/**
 * Posts one source's encodings to {@code {api_url}/api/facedetection/encodings/{type}/{pk}/} as
 * {@code {"token": ..., "encodings": [[128 floats], ...]}} through the route faces-post-http (camel-http) and reads
 * the answer: 2xx done; 429 is {@link ReceiverThrottledException} (wait for Retry-After); 5xx, 408, time-outs and
 * refused connections are transient (retried with backoff); any other status is a permanent failure with the
 * receiver's reason (400 "not processing" as {@link ReceiverNotProcessingException}). Redirects are not followed
 * (a POST is not re-sent elsewhere; camel.component.http.*).
 */
public final class EncodingPoster implements CamelContextAware {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ROUTE = "direct:faces-post-http";

    /** The receiver's JSON body. */
    record Body(String token, List<float[]> encodings) {
    }

    private final UrlPolicy policy;
    private final long timeoutMs;
    private CamelContext camelContext;
    private ProducerTemplate template;

    public EncodingPoster(UrlPolicy policy, long timeoutMs) {
        this.policy = policy;
        this.timeoutMs = timeoutMs;
    }

    /** The JSON body; encodings with float precision (what the model computes), a non-finite value as 0.0. */
    public static byte[] body(String token, List<float[]> encodings) throws JsonProcessingException {
        List<float[]> finite = new ArrayList<>(encodings.size());
        for (float[] e : encodings) {
            float[] f = e.clone();
            for (int i = 0; i < f.length; i++) {
                if (!Float.isFinite(f[i])) {
                    f[i] = 0f;
                }
            }
            finite.add(f);
        }
        return JSON.writeValueAsBytes(new Body(token, finite));
    }

    /** Posts to {@code url}; a 429 is a {@link ReceiverThrottledException} carrying the receiver's Retry-After. */
    public void post(String url, FaceSource source, List<float[]> encodings)
            throws FaceSourceException, TransientFaceException, JsonProcessingException {
        String target = policy.check(url).toString();
        byte[] body = body(source.token(), encodings);
        Exchange answer = template.send(ROUTE, ex -> {
            ex.setProperty("postUrl", target);
            ex.getIn().setBody(body);
        });
        Exception e = answer.getException();
        if (e != null) {
            throw transientFailure(e, url);
        }
        int status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status >= 200 && status < 300) {
            return;
        }
        String reason = reason(answer.getMessage().getBody(String.class), source.token());
        if (status == 429) {
            long retryAfter = retryAfterMs(answer.getMessage().getHeader("Retry-After", String.class));
            throw new ReceiverThrottledException("receiver answered 429" + reason + ", Retry-After "
                    + retryAfter / 1000 + " s (" + url + ")", retryAfter);
        }
        if (status >= 500 || status == 408) {
            throw new TransientFaceException("receiver answered " + status + reason + " (" + url + ")");
        }
        if (status == 400 && reason.contains(ReceiverNotProcessingException.ANSWER)) {
            throw new ReceiverNotProcessingException("receiver answered " + status + reason + " (" + url + ")");
        }
        throw new FaceSourceException("receiver answered " + status + reason + " (" + url + ")");
    }

    private TransientFaceException transientFailure(Exception e, String url) {
        Throwable c = e;
        while (!(c instanceof IOException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof InterruptedIOException) {
            // camel-http's connect and response time-outs (SocketTimeoutException, ConnectTimeoutException)
            return new TransientFaceException("receiver timed out after " + timeoutMs + " ms: " + url);
        }
        if (c instanceof ConnectException) {
            return new TransientFaceException("receiver refused the connection: " + url);
        }
        return new TransientFaceException("POST failed: " + c.getClass().getSimpleName() + " " + c.getMessage() + " (" + url + ")");
    }

    /** Retry-After in seconds (what the receiver sends) or an HTTP date; 60 s when absent or unreadable. */
    static long retryAfterMs(String header) {
        if (header == null || header.isBlank()) {
            return 60_000;
        }
        try {
            return Math.max(0, Long.parseLong(header.strip())) * 1000;
        } catch (NumberFormatException e) {
            try {
                java.time.ZonedDateTime at = java.time.ZonedDateTime.parse(header.strip(),
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (java.time.format.DateTimeParseException e2) {
                return 60_000;
            }
        }
    }

    private static String reason(String body, String token) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String s = body.strip();
        if (token != null && !token.isEmpty()) {
            s = s.replace(token, FaceSource.MASK);
        }
        return ": " + (s.length() > 300 ? s.substring(0, 300) + "…" : s);
    }

    /** Camel hands its context over when it registers the bean (faces-beans.yaml): the template to call the route. */
    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
        this.template = camelContext.createProducerTemplate();
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
