package imagepipelines.local;

// Over 300 lines on purpose: the receiver's contract in upstream's order of checks (throttle, type, pk, body, token,
// state) plus the hostile photo server the download tests need; one stand-in, read top to bottom against CONTRACTS §2.

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Stand-in for the members' site's face-encodings receiver, behaving as upstream does (CONTRACTS §2, "Production
 * facts of the receiver"): {@code POST /api/facedetection/encodings/{type}/{pk}/} with
 * {@code {"token": "...", "encodings": [[128 floats]...]}}, checked in upstream's order: the throttle (429 with
 * {@code Retry-After}, see {@link #throttle}), an unknown type (400), an unknown pk (404, before the body is read),
 * the body (400 with an empty body: not JSON, token or encodings missing or of the wrong type, an encoding not
 * exactly 128 JSON floats; an integer such as {@code 0} is refused), a wrong token (403 {@code {"detail":"Invalid
 * token."}}), an object not awaiting processing (400 {@code ["This object is not processing."]}); success is 200
 * with an empty body, also for a reference with no face or several, which is marked rejected. Fault injection:
 * {@link #failNext}, {@link #delayNext}.
 * <p>
 * It also serves photos ({@code GET /photos/NAME}): registered bytes, unknown names 404, and special ones:
 * {@code slow} (answers after {@code slowMillis}), {@code drip} (one byte a second), {@code huge} (a 200 MB streamed body), {@code text} (no image),
 * {@code redirect-forbidden} (302 to 169.254.169.254), {@code redirect/NAME} (302 to /photos/NAME), {@code redirect-shorthand/NAME} (302 to
 * http://127.1:PORT/photos/NAME), {@code redirect-forbidden-decimal} (302 to http://2852039166/, 169.254.169.254).
 */
public final class FakeFaceApi implements AutoCloseable {

    public static final long HUGE_BYTES = 200L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("/api/facedetection/encodings/([^/]+)/([^/]+)/");

    /** An object awaiting encodings. */
    public static final class Target {
        public final String type;
        public final long pk;
        public final String token;
        public volatile String state = "awaiting";
        public volatile List<float[]> encodings;

        Target(String type, long pk, String token) {
            this.type = type;
            this.pk = pk;
            this.token = token;
        }
    }

    /** One POST as received, with the status answered. */
    public record Post(String type, String pk, String body, int status, String answer) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-face-api");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private final Map<String, byte[]> photos = new ConcurrentHashMap<>();
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final AtomicInteger failCount = new AtomicInteger();
    private final AtomicInteger delayCount = new AtomicInteger();
    private volatile long delayMillis;
    private volatile int failStatus = 500;
    private volatile long slowMillis = 5000;
    private final AtomicLong hugeBytesSent = new AtomicLong();
    private final AtomicInteger photoRequests = new AtomicInteger();

    private static final String NOT_FOUND = "{\"detail\":\"Not found.\"}";
    private final java.util.ArrayDeque<Long> history = new java.util.ArrayDeque<>();
    private volatile int throttleRequests;
    private volatile long throttleWindowMs;
    private final AtomicInteger throttled = new AtomicInteger();
    private final StandInFaults faults = new StandInFaults();

    public FakeFaceApi(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.createContext("/api/", this::handleApi);
        server.createContext("/photos/", this::handlePhoto);
        server.createContext("/_faults", faults.controlHandler());
        server.setExecutor(executor);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String photoUrl(String name) {
        return url() + "/photos/" + name;
    }

    /** Registers an object awaiting its encodings. */
    public Target expect(String type, long pk, String token) {
        Target t = new Target(type, pk, token);
        targets.put(type + "/" + pk, t);
        return t;
    }

    public Target target(String type, long pk) {
        return targets.get(type + "/" + pk);
    }

    public void photo(String name, byte[] bytes) {
        photos.put(name, bytes);
    }

    /** The next {@code count} POSTs are answered with {@code status} before any check. */
    public void failNext(int count, int status) {
        failStatus = status;
        failCount.set(count);
    }

    /**
     * The next {@code count} POSTs are held {@code millis} and then answered 504 without being applied (a receiver
     * that gave up before committing): the client's time-out and retry path.
     */
    public void delayNext(int count, long millis) {
        delayMillis = millis;
        delayCount.set(count);
    }

    /**
     * Throttles as the receiver's framework does (production: 30 per minute per client IP): past {@code requests}
     * within {@code windowMillis}, 429 with {@code Retry-After} in whole seconds. 0 requests = off.
     */
    public void throttle(int requests, long windowMillis) {
        synchronized (history) {
            history.clear();
        }
        throttleWindowMs = windowMillis;
        throttleRequests = requests;
    }

    /** Requests answered 429 so far. */
    public int throttledCount() {
        return throttled.get();
    }

    /** Random faults (server errors, 429 with Retry-After, slow answers) on the receiver's POSTs. */
    public StandInFaults faults() {
        return faults;
    }

    public void slowMillis(long millis) {
        slowMillis = millis;
    }

    public List<Post> posts() {
        return List.copyOf(posts);
    }

    public List<Post> posts(String type, long pk) {
        return posts.stream().filter(p -> p.type.equals(type) && p.pk.equals(String.valueOf(pk))).toList();
    }

    public List<Post> accepted() {
        return posts.stream().filter(p -> p.status == 200).toList();
    }

    public long hugeBytesSent() {
        return hugeBytesSent.get();
    }

    public int photoRequests() {
        return photoRequests.get();
    }

    public void reset() {
        targets.clear();
        posts.clear();
        failCount.set(0);
        delayCount.set(0);
        throttle(0, 0);
        throttled.set(0);
        hugeBytesSent.set(0);
    }

    private void handleApi(HttpExchange http) throws IOException {
        try (http) {
            Matcher m = PATH.matcher(http.getRequestURI().getPath());
            if (!m.matches()) {
                respond(http, 404, NOT_FOUND, null, null, null);
                return;
            }
            String type = m.group(1);
            String pk = m.group(2);
            if (!"POST".equals(http.getRequestMethod())) {
                respond(http, 405, "{\"detail\":\"Method \\\"" + http.getRequestMethod() + "\\\" not allowed.\"}",
                        type, pk, null);
                return;
            }
            // the framework's throttle runs before the view: every request counts, a throttled one does not
            long waitMs = throttleWait();
            if (waitMs > 0) {
                long seconds = Math.max(1, (waitMs + 999) / 1000);
                http.getResponseHeaders().set("Retry-After", String.valueOf(seconds));
                respond(http, 429, "{\"detail\":\"Request was throttled. Expected available in " + seconds
                        + (seconds == 1 ? " second.\"}" : " seconds.\"}"), type, pk, null);
                return;
            }
            StandInFaults.Fault fault = faults.next();
            sleep(fault.delayMillis());
            if (fault.status() == 429) {
                http.getResponseHeaders().set("Retry-After", String.valueOf(fault.retryAfterSeconds()));
                respond(http, 429, "{\"detail\":\"Request was throttled.\"}", type, pk, null);
                return;
            }
            if (fault.status() != 0) {
                respond(http, fault.status(), "", type, pk, null);
                return;
            }
            if (delayCount.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                sleep(delayMillis);
                respond(http, 504, "", type, pk, null);
                return;
            }
            if (failCount.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                respond(http, failStatus, "", type, pk, null);
                return;
            }
            if (!type.equals("photo") && !type.equals("reference")) {
                respond(http, 400, "", type, pk, null);
                return;
            }
            // the object is looked up before the body is read
            Target t = pk.matches("\\d{1,18}") ? targets.get(type + "/" + Long.parseLong(pk)) : null;
            if (t == null) {
                respond(http, 404, NOT_FOUND, type, pk, null);
                return;
            }
            String body = new String(http.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            List<float[]> encodings = encodings(body);
            JsonNode token = encodings == null ? null : JSON.readTree(body).get("token");
            if (encodings == null || token == null || !token.isTextual()) {
                respond(http, 400, "", type, pk, body);
                return;
            }
            if (!t.token.equals(token.asText())) {
                respond(http, 403, "{\"detail\":\"Invalid token.\"}", type, pk, body);
                return;
            }
            synchronized (t) {
                if (!t.state.equals("awaiting")) {
                    respond(http, 400, "[\"This object is not processing.\"]", type, pk, body);
                    return;
                }
                // a reference with no face or several is accepted and marked rejected (the member is told)
                t.state = type.equals("reference") && encodings.size() != 1 ? "rejected" : "done";
                t.encodings = encodings;
            }
            respond(http, 200, "", type, pk, body);
        }
    }

    /** The encodings of a well-formed body (token a string, encodings lists of exactly 128 JSON floats), else null. */
    private static List<float[]> encodings(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
        if (root == null || !root.isObject() || !root.path("token").isTextual() || !root.path("encodings").isArray()) {
            return null;
        }
        List<float[]> out = new ArrayList<>();
        for (JsonNode e : root.get("encodings")) {
            if (!e.isArray() || e.size() != 128) {
                return null;
            }
            float[] f = new float[128];
            for (int i = 0; i < 128; i++) {
                // the receiver's serializer takes floats only: 0 (an integer) or "0.1" are refused
                if (!e.get(i).isFloatingPointNumber()) {
                    return null;
                }
                f[i] = (float) e.get(i).asDouble();
            }
            out.add(f);
        }
        return out;
    }

    /**
     * Milliseconds until the next request is allowed, 0 when it is (and then it is counted): the framework's
     * sliding-window throttle of {@code throttleRequests} per {@code throttleWindowMs}.
     */
    private long throttleWait() {
        if (throttleRequests <= 0) {
            return 0;
        }
        synchronized (history) {
            long now = System.currentTimeMillis();
            while (!history.isEmpty() && history.peekFirst() <= now - throttleWindowMs) {
                history.pollFirst();
            }
            if (history.size() >= throttleRequests) {
                throttled.incrementAndGet();
                return throttleWindowMs - (now - history.peekFirst());
            }
            history.addLast(now);
            return 0;
        }
    }

    private void respond(HttpExchange http, int status, String answer, String type, String pk, String body)
            throws IOException {
        if (type != null) {
            posts.add(new Post(type, pk, body, status, answer));
        }
        byte[] b = answer.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0) {
            http.getResponseHeaders().set("Content-Type", "application/json");
        }
        http.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            http.getResponseBody().write(b);
        }
    }

    private void handlePhoto(HttpExchange http) throws IOException {
        photoRequests.incrementAndGet();
        try (http) {
            String name = http.getRequestURI().getPath().substring("/photos/".length());
            switch (name) {
                case "slow" -> {
                    sleep(slowMillis);
                    byte[] b = "late".getBytes(StandardCharsets.UTF_8);
                    http.sendResponseHeaders(200, b.length);
                    http.getResponseBody().write(b);
                }
                case "huge" -> {
                    // streamed without a length (chunked): the client must cut it at its cap
                    http.getResponseHeaders().set("Content-Type", "image/jpeg");
                    http.sendResponseHeaders(200, 0);
                    byte[] chunk = new byte[64 * 1024];
                    chunk[0] = (byte) 0xFF;
                    chunk[1] = (byte) 0xD8;
                    OutputStream out = http.getResponseBody();
                    try {
                        for (long sent = 0; sent < HUGE_BYTES; sent += chunk.length) {
                            out.write(chunk);
                            hugeBytesSent.addAndGet(chunk.length);
                        }
                    } catch (IOException e) {
                        // the client hung up
                    }
                }
                case "drip" -> {
                    // a photo host that sends one byte a second: an idle time-out never fires, only a deadline does
                    http.getResponseHeaders().set("Content-Type", "image/jpeg");
                    http.sendResponseHeaders(200, 1000);
                    OutputStream out = http.getResponseBody();
                    try {
                        for (int i = 0; i < 1000; i++) {
                            out.write(i == 0 ? 0xFF : 0xD8);
                            out.flush();
                            Thread.sleep(1000);
                        }
                    } catch (IOException e) {
                        // the client hung up
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                case "text" -> {
                    byte[] b = "<html>this is not an image</html>".getBytes(StandardCharsets.UTF_8);
                    http.getResponseHeaders().set("Content-Type", "image/jpeg");
                    http.sendResponseHeaders(200, b.length);
                    http.getResponseBody().write(b);
                }
                case "redirect-forbidden" -> {
                    http.getResponseHeaders().set("Location", "http://169.254.169.254/latest/meta-data/iam/");
                    http.sendResponseHeaders(302, -1);
                }
                default -> {
                    if (name.startsWith("redirect-shorthand/")) {
                        // the same server written as a shorthand IPv4 address (127.1 = 127.0.0.1)
                        http.getResponseHeaders().set("Location", "http://127.1:" + server.getAddress().getPort()
                                + "/photos/" + name.substring("redirect-shorthand/".length()));
                        http.sendResponseHeaders(302, -1);
                        return;
                    }
                    if (name.equals("redirect-forbidden-decimal")) {
                        // 169.254.169.254 written as one decimal number
                        http.getResponseHeaders().set("Location", "http://2852039166/latest/meta-data/iam/");
                        http.sendResponseHeaders(302, -1);
                        return;
                    }
                    if (name.startsWith("redirect/")) {
                        http.getResponseHeaders().set("Location", "/photos/" + name.substring("redirect/".length()));
                        http.sendResponseHeaders(302, -1);
                        return;
                    }
                    byte[] b = photos.get(name);
                    if (b == null) {
                        http.sendResponseHeaders(404, -1);
                        return;
                    }
                    http.sendResponseHeaders(200, b.length);
                    http.getResponseBody().write(b);
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
