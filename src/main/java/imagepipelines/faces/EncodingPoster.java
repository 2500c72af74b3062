package imagepipelines.faces;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Posts one source's encodings to {@code {api_url}/api/facedetection/encodings/{type}/{pk}/} as
 * {@code {"token": ..., "encodings": [[128 floats], ...]}} and checks the answer: 2xx done; 429 is
 * {@link ReceiverThrottledException} (wait for Retry-After); 5xx, 408, time-outs and refused connections are
 * transient (retried with backoff); any other status is a permanent failure with the receiver's reason. Redirects are not followed (a POST is not re-sent elsewhere).
 */
public final class EncodingPoster {

    private final UrlPolicy policy;
    private final long timeoutMs;
    private final HttpClient http;

    public EncodingPoster(UrlPolicy policy, long timeoutMs) {
        this.policy = policy;
        this.timeoutMs = timeoutMs;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofMillis(timeoutMs))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The JSON body; encodings written with float precision (what the model computes). */
    public static String body(String token, List<float[]> encodings) {
        StringBuilder sb = new StringBuilder(64 + encodings.size() * 128 * 14);
        sb.append("{\"token\":");
        appendString(sb, token);
        sb.append(",\"encodings\":[");
        for (int i = 0; i < encodings.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('[');
            float[] e = encodings.get(i);
            for (int j = 0; j < e.length; j++) {
                if (j > 0) {
                    sb.append(',');
                }
                sb.append(Float.isFinite(e[j]) ? Float.toString(e[j]) : "0.0");
            }
            sb.append(']');
        }
        return sb.append("]}").toString();
    }

    public void post(FacesRequest request, FaceSource source, List<float[]> encodings)
            throws FaceSourceException, TransientFaceException {
        post(request.resultUrl(source), source, encodings);
    }

    /** Posts to {@code url}; a 429 is a {@link ReceiverThrottledException} carrying the receiver's Retry-After. */
    public void post(String url, FaceSource source, List<float[]> encodings)
            throws FaceSourceException, TransientFaceException {
        URI uri = policy.check(url);
        HttpRequest req = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(timeoutMs))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(source.token(), encodings), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new TransientFaceException("receiver timed out after " + timeoutMs + " ms: " + url);
        } catch (ConnectException e) {
            throw new TransientFaceException("receiver refused the connection: " + url);
        } catch (IOException e) {
            throw new TransientFaceException("POST failed: " + e.getClass().getSimpleName() + " " + e.getMessage() + " (" + url + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFaceException("interrupted while posting to " + url);
        }
        int status = resp.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String reason = reason(resp.body(), source.token());
        if (status == 429) {
            long retryAfter = retryAfterMs(resp.headers().firstValue("Retry-After").orElse(null));
            throw new ReceiverThrottledException("receiver answered 429" + reason + ", Retry-After "
                    + retryAfter / 1000 + " s (" + url + ")", retryAfter);
        }
        if (status >= 500 || status == 408 || status == 429) {
            throw new TransientFaceException("receiver answered " + status + reason + " (" + url + ")");
        }
        throw new FaceSourceException("receiver answered " + status + reason + " (" + url + ")");
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

    private static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
