package imagepipelines.local;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * Faults an API stand-in injects at random into the requests it gets, for the fault suite: a share of server errors,
 * a share of answers held past the client's time-out (the request is still carried out afterwards, as a slow real
 * API does), a period of the gateway's 403, and a share of 429 with Retry-After. Set from Java or over HTTP on the
 * stand-in's own port: {@code POST /_faults?error-rate=0.3&slow-rate=0.1&slow-ms=20000&forbidden-seconds=60
 * &throttle-rate=0.2&retry-after=2} (absent parameters reset to none; {@code GET /_faults} shows the setting and
 * the counts injected).
 */
public final class StandInFaults {

    /** What to do with one request: hold it {@code delayMillis} first, then answer {@code status} (0: normally). */
    public record Fault(long delayMillis, int status, int retryAfterSeconds) {
        static final Fault NONE = new Fault(0, 0, 0);
    }

    private volatile double errorRate;
    private volatile int errorStatus = 503;
    private volatile double slowRate;
    private volatile long slowMillis;
    private volatile long forbiddenUntil;
    private volatile double throttleRate;
    private volatile int retryAfterSeconds = 1;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong slow = new AtomicLong();
    private final AtomicLong forbidden = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();

    public void errors(double rate, int status) {
        errorRate = rate;
        errorStatus = status;
    }

    public void slow(double rate, long millis) {
        slowRate = rate;
        slowMillis = millis;
    }

    /** Every request for the next {@code seconds} is refused as the gateway refuses a bad key (403). */
    public void forbidFor(double seconds) {
        forbiddenUntil = System.currentTimeMillis() + (long) (seconds * 1000);
    }

    public void throttle(double rate, int retryAfter) {
        throttleRate = rate;
        retryAfterSeconds = retryAfter;
    }

    public void clear() {
        errorRate = 0;
        slowRate = 0;
        forbiddenUntil = 0;
        throttleRate = 0;
    }

    /** Draws the fault for one request. */
    public Fault next() {
        if (System.currentTimeMillis() < forbiddenUntil) {
            forbidden.incrementAndGet();
            return new Fault(0, 403, 0);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long delay = 0;
        if (slowRate > 0 && random.nextDouble() < slowRate) {
            slow.incrementAndGet();
            delay = slowMillis;
        }
        if (throttleRate > 0 && random.nextDouble() < throttleRate) {
            throttled.incrementAndGet();
            return new Fault(delay, 429, retryAfterSeconds);
        }
        if (errorRate > 0 && random.nextDouble() < errorRate) {
            errors.incrementAndGet();
            return new Fault(delay, errorStatus, 0);
        }
        return delay == 0 ? Fault.NONE : new Fault(delay, 0, 0);
    }

    /** The counts injected so far, e.g. {@code {errors=31, slow=9, forbidden=0, throttled=0}}. */
    public Map<String, Long> injected() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("errors", errors.get());
        m.put("slow", slow.get());
        m.put("forbidden", forbidden.get());
        m.put("throttled", throttled.get());
        return m;
    }

    /** The control endpoint ({@code /_faults}) for the stand-in's HTTP server. */
    public HttpHandler controlHandler() {
        return http -> {
            try (http) {
                if ("POST".equals(http.getRequestMethod()) || "PUT".equals(http.getRequestMethod())) {
                    apply(query(http));
                }
                byte[] body = ("{\"injected\":" + new com.fasterxml.jackson.databind.ObjectMapper()
                        .writeValueAsString(injected()) + "}").getBytes(StandardCharsets.UTF_8);
                http.getResponseHeaders().set("Content-Type", "application/json");
                http.sendResponseHeaders(200, body.length);
                try (OutputStream out = http.getResponseBody()) {
                    out.write(body);
                }
            }
        };
    }

    void apply(Map<String, String> q) {
        clear();
        errors(Double.parseDouble(q.getOrDefault("error-rate", "0")), Integer.parseInt(q.getOrDefault("error-status", "503")));
        slow(Double.parseDouble(q.getOrDefault("slow-rate", "0")), Long.parseLong(q.getOrDefault("slow-ms", "0")));
        throttle(Double.parseDouble(q.getOrDefault("throttle-rate", "0")), Integer.parseInt(q.getOrDefault("retry-after", "1")));
        if (q.containsKey("forbidden-seconds")) {
            forbidFor(Double.parseDouble(q.get("forbidden-seconds")));
        }
    }

    private static Map<String, String> query(HttpExchange http) throws IOException {
        http.getRequestBody().readAllBytes();
        Map<String, String> q = new LinkedHashMap<>();
        String raw = http.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }
}
