package imagepipelines.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import imagepipelines.local.FakeFaceApi;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile corpus of the faces workflow (docs/reliability.md "Hostile input"): requests whose URLs point at the
 * cloud metadata service (IPv4, IPv6, numeric forms), at names that resolve to loopback, photo hosts that redirect
 * there, loop, send a body past the size cap or drip bytes, malformed and deeply nested JSON, a request body past
 * the HTTP limit and one dripped byte by byte. Sent as the members' site does (SQS; the HTTP intake for body
 * attacks); each must end in a recorded outcome: encodings posted, a dead letter on {@code faces.dead-letter-queue}
 * with the reason, or an HTTP refusal with the reason. No request to the metadata service or to a name outside
 * {@code faces.allowed-hosts} may leave the process: no such server exists here, and the policy refuses before
 * connecting (a refused connection would read differently).
 */
class HostileFacesTest {

    static final String QUEUE = "face-encodings-requests-test";
    static final ObjectMapper JSON = new ObjectMapper();
    static final long BOUND_MS = 90_000;
    /** one client, made before the baseline: each HttpClient has a selector thread of its own until collected */
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static TestPipelines p;
    static FakeFaceApi api;
    /** a photo host of our own for redirects the receiver stand-in does not make */
    static HttpServer redirector;
    static final List<JsonNode> deadLetters = new CopyOnWriteArrayList<>();
    static final Map<String, String> httpAnswers = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        api = TestPipelines.photoHost();
        redirector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        redirector.createContext("/", h -> {
            String to = switch (h.getRequestURI().getPath()) {
                case "/to-localhost" -> "http://localhost:" + api.photoUrl("a.webp").split(":")[2];
                case "/to-metadata-ipv6" -> "http://[fd00:ec2::254]/latest/meta-data/";
                case "/to-nip-io" -> "http://127.0.0.1.nip.io:" + redirector.getAddress().getPort() + "/x";
                default -> "/loop"; // /loop redirects to itself
            };
            h.getResponseHeaders().set("Location", to);
            h.sendResponseHeaders(302, -1);
            h.close();
        });
        redirector.start();
        Map<String, String> o = TestPipelines.facesSettings(QUEUE);
        o.put("faces.post.rate-per-minute", "60000");
        o.put("faces.download.timeout-ms", "2000");
        o.put("faces.download.deadline-ms", "4000");
        o.put("faces.max-photo-bytes", "2000000");
        o.put("faces.retry.max", "2");
        o.put("faces.retry.delay-ms", "50");
        o.put("camel.server.max-body-size", "1048576");
        p = TestPipelines.start(dir, o);
    }

    @AfterAll
    static void stop() throws Exception {
        TestPipelines.closeAll(p, api, () -> redirector.stop(0));
    }

    @Test
    void everyHostileRequestEndsInARecordedOutcomeAndNothingReachesForbiddenHosts() throws Exception {
        // warm-up: a good request, a dripping host and a huge body, so pools and the model reach working size
        String w1 = send(List.of(source(1, "photo", api.photoUrl("a.webp"))));
        String w2 = send(List.of(source(2, "photo", api.photoUrl("drip")), source(3, "photo", api.photoUrl("huge"))));
        TestPipelines.await("warm-up", Duration.ofSeconds(90), () -> outcome(w1, 1) != null && outcome(w2, 2) != null);
        ResourceProbe before = ResourceProbe.baseline();
        int photoRequestsBefore = api.photoRequests();

        OutcomeTable t = new OutcomeTable("faces: requests, photo hosts and HTTP bodies");
        Predicate<String> invalid = a -> a.startsWith("dead letter INVALID_REQUEST:");
        Predicate<String> failed = a -> a.startsWith("dead letter ALL_SOURCES_FAILED:");
        String photo = api.photoUrl("a.webp");
        int port = Integer.parseInt(photo.split(":")[2].split("/")[0]);

        viaQueue(t, "control: a good photo", 10, photo, "encodings posted", a -> a.startsWith("encodings posted"));
        viaQueue(t, "photo_url = metadata IPv4", 11, "http://169.254.169.254/latest/meta-data/iam/",
                "refused: host not allowed", invalid.and(a -> a.contains("169.254.169.254 is not in faces.allowed-hosts")));
        viaQueue(t, "photo_url = metadata IPv6", 12, "http://[fd00:ec2::254]/latest/meta-data/",
                "refused: host not allowed", invalid.and(a -> a.contains("[fd00:ec2::254] is not in faces.allowed-hosts")));
        viaQueue(t, "photo_url = metadata as one number", 13, "http://2852039166/latest/meta-data/",
                "refused naming 169.254.169.254", invalid.and(a -> a.contains("the IPv4 address 169.254.169.254")));
        viaQueue(t, "photo_url = localhost (resolves to loopback)", 14, "http://localhost:" + port + "/photos/a.webp",
                "refused: host not allowed", invalid.and(a -> a.contains("host localhost is not in")));
        viaQueue(t, "photo_url = 127.0.0.1.nip.io (DNS to loopback)", 15,
                "http://127.0.0.1.nip.io:" + port + "/photos/a.webp", "refused: host not allowed",
                invalid.and(a -> a.contains("127.0.0.1.nip.io is not in")));
        viaQueue(t, "photo_url = user@host", 16, "http://127.0.0.1@169.254.169.254/", "refused: user information",
                invalid.and(a -> a.contains("user information")));
        viaQueue(t, "photo_url = file:///etc/passwd", 17, "file:///etc/passwd", "refused: scheme",
                invalid.and(a -> a.contains("only http and https")));
        viaQueue(t, "redirect -> metadata IPv4", 20, api.photoUrl("redirect-forbidden"), "source failed: redirect refused",
                failed.and(a -> a.contains("redirect refused") && a.contains("169.254.169.254")));
        viaQueue(t, "redirect -> metadata as one number", 21, api.photoUrl("redirect-forbidden-decimal"),
                "source failed: redirect refused", failed.and(a -> a.contains("redirect refused")));
        String r = "http://127.0.0.1:" + redirector.getAddress().getPort();
        viaQueue(t, "redirect -> metadata IPv6", 22, r + "/to-metadata-ipv6", "source failed: redirect refused",
                failed.and(a -> a.contains("redirect refused") && a.contains("fd00:ec2::254")));
        viaQueue(t, "redirect -> localhost", 23, r + "/to-localhost", "source failed: redirect refused",
                failed.and(a -> a.contains("redirect refused") && a.contains("localhost")));
        viaQueue(t, "redirect -> 127.0.0.1.nip.io", 24, r + "/to-nip-io", "source failed: redirect refused",
                failed.and(a -> a.contains("redirect refused") && a.contains("nip.io")));
        viaQueue(t, "redirect loop", 25, r + "/loop", "source failed: too many redirects",
                failed.and(a -> a.contains("more than 3 redirects")));
        viaQueue(t, "photo body past the size cap (200 MB stream)", 26, api.photoUrl("huge"),
                "source failed: size cap", failed.and(a -> a.contains("2000000")));
        viaQueue(t, "photo host dripping 1 byte/s", 27, api.photoUrl("drip"), "source failed: deadline",
                failed.and(a -> a.contains("deadline")));
        viaQueue(t, "photo is HTML", 28, api.photoUrl("text"), "source failed: not an image",
                failed.and(a -> a.length() > 40));

        rawViaQueue(t, "api_url = metadata IPv4", Map.of("api_url", "http://169.254.169.254",
                "sources", List.of(source(30, "photo", photo))), "refused: api_url host",
                invalid.and(a -> a.contains("api_url")));
        rawViaQueue(t, "api_url steering the POST (%2e%2e)", Map.of("api_url", "http://127.0.0.1:" + port + "/%2e%2e/admin",
                "sources", List.of(source(31, "photo", photo))), "refused: api_url", invalid.and(a -> a.contains("percent")));
        rawTextViaQueue(t, "malformed JSON", "{\"api_url\": \"http://127.0.0.1\", \"sources\": [", "refused: not JSON",
                invalid.and(a -> a.contains("not valid JSON")));
        rawTextViaQueue(t, "JSON nested 100,000 deep", "[".repeat(100_000), "refused: not JSON / too deep",
                invalid.and(a -> a.contains("JSON")));
        rawTextViaQueue(t, "a JSON string, not an object", "\"hello\"", "refused: not an object",
                invalid.and(a -> a.contains("must be a JSON object")));

        viaHttp(t, "HTTP body of 2 MiB (limit 1 MiB)", "{\"x\":\"" + "a".repeat(2 << 20) + "\"}", "HTTP 413 with the limit",
                a -> a.startsWith("HTTP 413") && a.contains("1048576"));
        dripViaHttp(t, "HTTP body dripped 1 byte / 100 ms", "{\"api_url\": 7, \"sources\": []}",
                "HTTP 400 with the reason", a -> a.startsWith("HTTP 400") && a.contains("api_url must be a string"));

        t.assertAllWithin(BOUND_MS, before);
        // the photo server saw only the allowed downloads: the control, the two redirects it made itself, the
        // huge, drip and text photos (redirect targets elsewhere were refused before any connection)
        assertEquals(6, api.photoRequests() - photoRequestsBefore, "photo requests to the stand-in");
    }

    /**
     * Found by the corpus: the validation step called {@code read(${body})}, and Camel's parameter binding took a body
     * such as {@code "hello"} for a quoted literal and stripped its quotes, so a valid JSON string was refused as
     * "not valid JSON" instead of "must be a JSON object".
     */
    @Test
    void aRequestThatIsAJsonStringIsRefusedAsNotAnObjectNotAsInvalidJson() throws Exception {
        String id = sendText("\"a \\\"quoted\\\" string\"");
        TestPipelines.await("its dead letter", Duration.ofSeconds(30), () -> outcome(id, -1) != null);
        assertEquals("dead letter INVALID_REQUEST: the request must be a JSON object", outcome(id, -1));
    }

    // ---------------------------------------------------------------------------------------------------------

    static Map<String, Object> source(long pk, String type, String url) {
        String token = ("tok" + pk + "x".repeat(40)).substring(0, 40);
        api.expect(type, pk, token);
        return Map.of("pk", pk, "type", type, "photo_url", url, "token", token);
    }

    static String send(List<Map<String, Object>> sources) throws Exception {
        return sendText(JSON.writeValueAsString(Map.of("api_url", api.url(), "sources", sources)));
    }

    static String sendText(String body) {
        return p.send(QUEUE, body);
    }

    static void viaQueue(OutcomeTable t, String name, long pk, String url, String expected, Predicate<String> ok)
            throws Exception {
        String id = send(List.of(source(pk, "photo", url)));
        t.expect(name, expected, ok, () -> outcome(id, pk));
    }

    static void rawViaQueue(OutcomeTable t, String name, Map<String, Object> request, String expected,
                            Predicate<String> ok) throws Exception {
        rawTextViaQueue(t, name, JSON.writeValueAsString(request), expected, ok);
    }

    static void rawTextViaQueue(OutcomeTable t, String name, String body, String expected, Predicate<String> ok) {
        String id = sendText(body);
        t.expect(name, expected, ok, () -> outcome(id, -1));
    }

    /** The request's dead letter (with its reasons), or the encodings posted for {@code pk}; null while neither. */
    static String outcome(String requestId, long pk) {
        drainDeadLetters();
        for (JsonNode d : deadLetters) {
            if (requestId.equals(d.path("request_id").asText())) {
                StringBuilder sb = new StringBuilder("dead letter " + d.path("error").asText() + ": "
                        + d.path("reason").asText());
                for (JsonNode s : d.path("sources")) {
                    sb.append(" | source ").append(s.path("pk").asText()).append(": ").append(s.path("reason").asText());
                }
                return sb.toString();
            }
        }
        if (pk >= 0) {
            for (FakeFaceApi.Post post : api.posts("photo", pk)) {
                if (post.status() == 200) {
                    return "encodings posted (200)";
                }
            }
        }
        return null;
    }

    static synchronized void drainDeadLetters() {
        String url = p.stack.sqs().getQueueUrl(r -> r.queueName(QUEUE + "-dlq")).queueUrl();
        while (true) {
            var msgs = p.stack.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            if (msgs.isEmpty()) {
                return;
            }
            for (var m : msgs) {
                try {
                    deadLetters.add(JSON.readTree(m.body()));
                } catch (Exception e) {
                    throw new AssertionError("a dead letter that is not JSON: " + m.body(), e);
                }
                p.stack.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
    }

    static void viaHttp(OutcomeTable t, String name, String body, String expected, Predicate<String> ok) {
        CompletableFuture<HttpResponse<String>> f = HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.httpPort + "/faces/requests"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.ofString());
        f.whenComplete((r, e) -> httpAnswers.put(name, e != null ? "failed: " + e : "HTTP " + r.statusCode() + " " + r.body()));
        t.expect(name, expected, ok, () -> httpAnswers.get(name));
    }

    /** The request written on a raw socket one byte every 100 ms (Content-Length given): a slow client. */
    static void dripViaHttp(OutcomeTable t, String name, String body, String expected, Predicate<String> ok) {
        Thread drip = new Thread(() -> {
            try (Socket s = new Socket("127.0.0.1", p.httpPort)) {
                s.setSoTimeout(30_000);
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                OutputStream out = s.getOutputStream();
                out.write(("POST /faces/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + b.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                for (byte x : b) {
                    out.write(x);
                    out.flush();
                    Thread.sleep(100);
                }
                InputStream in = s.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                String status = answer.split(" ", 3)[1];
                httpAnswers.put(name, "HTTP " + status + " " + answer.substring(answer.indexOf("\r\n\r\n") + 4));
            } catch (Exception e) {
                httpAnswers.put(name, "failed: " + e);
            }
        }, "hostile-drip-client");
        drip.setDaemon(true);
        drip.start();
        t.expect(name, expected, ok, () -> httpAnswers.get(name));
    }
}
