package imagepipelines.faces;

import static imagepipelines.testsupport.TestPipelines.assertDone;
import static imagepipelines.testsupport.TestPipelines.await;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.faces.model.FaceAnalyzer;
import imagepipelines.local.FakeFaceApi;
import imagepipelines.testsupport.TestPipelines;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The faces workflow through its real routes: requests on the embedded SQS queue and over HTTP, real photos and the
 * real model, encodings posted to a contract-enforcing stand-in of the members' site.
 */
class FacesRoutesTest {

    static final String QUEUE = "face-encodings-requests-test";
    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicLong PKS = new AtomicLong(1000);

    @TempDir
    static Path dir;
    static TestPipelines p;
    static FakeFaceApi api;
    static String queueUrl;
    static String dlqUrl;
    static FacesJobs steps;
    static HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        api = new FakeFaceApi(0);
        api.slowMillis(4000);
        for (String name : new String[] {"astronaut-1200x900.webp", "astronaut-1face.png", "astronaut-1face-exif6.jpg",
            "group-6faces.jpg", "cat-0faces.png", "cameraman-gray-1face.png"}) {
            api.photo(name, resource("/faces/" + name));
        }
        api.photo("bomb.png", ImageDimensionsTest.pngBomb(30000, 30000));
        Map<String, String> o = TestPipelines.facesSettings(QUEUE);
        // the stand-in does not throttle here (FacesThrottleRoutesTest does)
        o.put("faces.post.rate-per-minute", "60000");
        o.put("faces.download.timeout-ms", "1000");
        o.put("faces.max-photo-bytes", "8000000");
        o.put("faces.retry.max", "2");
        o.put("faces.retry.delay-ms", "50");
        o.put("faces.retry.max-delay-ms", "200");
        o.put("faces.api.timeout-ms", "1000");
        p = TestPipelines.start(dir, o);
        queueUrl = p.stack.sqs().getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
        dlqUrl = p.stack.sqs().getQueueUrl(r -> r.queueName(QUEUE + "-dlq")).queueUrl();
        steps = p.app.context().getRegistry().lookupByNameAndType("facesJobs", FacesJobs.class);
    }

    @AfterAll
    static void stop() throws Exception {
        TestPipelines.closeAll(p, api);
    }

    // ---- helpers ----

    record Src(long pk, String type, String photo, String token) {
    }

    static Src expect(String type, String photo) {
        long pk = PKS.incrementAndGet();
        String token = "tok" + pk + "x".repeat(40 - 3 - String.valueOf(pk).length());
        api.expect(type, pk, token);
        return new Src(pk, type, photo.startsWith("http") ? photo : api.photoUrl(photo), token);
    }

    static String request(Src... sources) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("api_url", api.url());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Src s : sources) {
            Map<String, Object> src = new LinkedHashMap<>();
            src.put("pk", s.pk);
            src.put("type", s.type);
            src.put("photo_url", s.photo);
            src.put("token", s.token);
            list.add(src);
        }
        m.put("sources", list);
        return JSON.writeValueAsString(m);
    }

    static String sendSqs(String body) {
        return p.stack.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(body)).messageId();
    }

    static HttpResponse<String> postHttp(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.httpPort + "/faces/requests"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends {@code body} on SQS and waits, with Camel's NotifyBuilder, until the routes are done with it: its message
     * through faces-intake-sqs (sources encoded and queued, or failed) and a post of each of {@code posted} through
     * faces-post-encodings. The request is then finished; returns it as recorded.
     */
    static FacesJob sendAndFinish(String body, Src... posted) throws Exception {
        NotifyBuilder taken = requestsDone(body);
        NotifyBuilder posts = posted.length == 0 ? null : postsDone(posted);
        String id = sendSqs(body);
        assertDone(taken, Duration.ofSeconds(90), "the request through faces-intake-sqs");
        if (posts != null) {
            assertDone(posts, Duration.ofSeconds(90), posted.length + " post(s) through faces-post-encodings");
        }
        FacesJob job = steps.finished(id);
        assertNotNull(job, "request " + id + " finished");
        return job;
    }

    static NotifyBuilder requestsDone(String... bodies) {
        return FacesNotify.requestsDone(p, bodies);
    }

    static NotifyBuilder postsDone(Src... sources) {
        return FacesNotify.postsDone(p, java.util.Arrays.stream(sources).map(Src::token).toArray(String[]::new));
    }

    static List<float[]> accepted(Src s) {
        FakeFaceApi.Target t = api.target(s.type, s.pk);
        assertEquals("done", t.state, s + " state");
        return t.encodings;
    }

    static FacesJob.Outcome outcome(FacesJob job, Src s) {
        return job.outcomes().stream().filter(o -> o.pk() == s.pk).findFirst().orElseThrow();
    }

    static List<String> drainDlq() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<Message> ms = p.stack.sqs().receiveMessage(r -> r.queueUrl(dlqUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1)).messages();
            for (Message m : ms) {
                out.add(m.body());
                p.stack.sqs().deleteMessage(r -> r.queueUrl(dlqUrl).receiptHandle(m.receiptHandle()));
            }
            if (!out.isEmpty() && ms.isEmpty()) {
                break;
            }
        }
        return out;
    }

    // ---- tests ----

    @Test
    void encodingsOfRealPhotosArriveViaSqs() throws Exception {
        Src astronautWebp = expect("photo", "astronaut-1200x900.webp");
        Src astronautRef = expect("reference", "astronaut-1face-exif6.jpg");
        Src astronautPng = expect("photo", "astronaut-1face.png");
        Src group = expect("photo", "group-6faces.jpg");
        Src cat = expect("photo", "cat-0faces.png");
        Src cameraman = expect("photo", "cameraman-gray-1face.png");
        Src[] all = {astronautWebp, astronautRef, astronautPng, group, cat, cameraman};
        NotifyBuilder posted = postsDone(all);
        String id = sendSqs(request(all));
        assertDone(posted, Duration.ofSeconds(90), "six posts through faces-post-encodings");
        FacesJob job = steps.finished(id);
        assertNotNull(job, "request " + id + " finished with its last post");
        assertEquals(6, job.succeededCount(), () -> job.outcomes().toString());

        assertEquals(1, accepted(astronautWebp).size());
        assertEquals(1, accepted(astronautRef).size());
        assertEquals(1, accepted(astronautPng).size());
        assertEquals(6, accepted(group).size());
        assertEquals(0, accepted(cat).size());
        assertEquals(1, accepted(cameraman).size());
        // the cat's POST carries an empty list
        JsonNode catBody = JSON.readTree(api.posts("photo", cat.pk).get(0).body());
        assertTrue(catBody.get("encodings").isArray() && catBody.get("encodings").isEmpty());
        assertEquals(cat.token, catBody.get("token").asText());

        float[] a = accepted(astronautWebp).get(0);
        float[] b = accepted(astronautRef).get(0);
        float[] c = accepted(astronautPng).get(0);
        float[] other = accepted(cameraman).get(0);
        assertTrue(FaceAnalyzer.distance(a, b) < 0.49, "same person (WebP vs rotated JPEG): " + FaceAnalyzer.distance(a, b));
        assertTrue(FaceAnalyzer.distance(a, c) < 0.49, "same person (WebP vs PNG): " + FaceAnalyzer.distance(a, c));
        assertTrue(FaceAnalyzer.distance(a, other) >= 0.49, "different people: " + FaceAnalyzer.distance(a, other));
        await("SQS message deleted", Duration.ofSeconds(20), () -> queueEmpty(queueUrl));
    }

    @Test
    void httpIntakeAnswers202AndProcesses() throws Exception {
        Src s = expect("photo", "astronaut-1face.png");
        NotifyBuilder posted = postsDone(s);
        HttpResponse<String> r = postHttp(request(s));
        assertEquals(202, r.statusCode(), r.body());
        String id = JSON.readTree(r.body()).get("request_id").asText();
        assertDone(posted, Duration.ofSeconds(90), "the post through faces-post-encodings");
        FacesJob job = steps.finished(id);
        assertNotNull(job, "request " + id + " finished with its post");
        assertEquals(1, job.succeededCount(), () -> job.outcomes().toString());
        assertEquals(1, accepted(s).size());
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + p.httpPort + "/faces/requests/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, status.statusCode(), status.body());
        JsonNode st = JSON.readTree(status.body());
        assertEquals("finished", st.get("state").asText(), status.body());
        assertEquals(1, st.get("outcomes").get(0).get("faces").asInt(), status.body());
        assertFalse(status.body().contains(s.token));
        assertEquals(404, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.httpPort
                + "/faces/requests/nope")).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void malformedRequestsAreRefusedWith400AndTheReason() throws Exception {
        Src s = expect("photo", "astronaut-1face.png");
        String ok = request(s);
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{not json", "not valid JSON");
        cases.put("[]", "JSON object");
        cases.put(ok.replace("\"api_url\"", "\"apiurl\""), "api_url must be a string");
        cases.put(ok.replace("\"api_url\":\"" + api.url() + "\"", "\"api_url\":42"), "api_url must be a string");
        cases.put(ok.replace("\"pk\":" + s.pk, "\"pk\":\"" + s.pk + "\""), "pk must be an integer");
        cases.put(ok.replace("\"pk\":" + s.pk, "\"pk\":1.5"), "pk must be an integer");
        cases.put(ok.replace("\"type\":\"photo\"", "\"type\":\"selfie\""), "must be \\\"photo\\\" or \\\"reference\\\"");
        cases.put(ok.replace("\"token\":\"" + s.token + "\"", "\"token\":12"), "token must be a string");
        cases.put(ok.replace(",\"token\":\"" + s.token + "\"", "").replace("\"token\":\"" + s.token + "\",", ""),
                "token must be a string");
        cases.put(ok.replace("\"photo_url\":\"" + s.photo + "\"", "\"photo_url\":null"), "photo_url must be a string");
        cases.put("{\"api_url\":\"" + api.url() + "\",\"sources\":[]}", "sources must not be empty");
        cases.put("{\"api_url\":\"" + api.url() + "\",\"sources\":{}}", "sources must be a list");
        cases.put(ok.replace(s.photo, "file:///etc/passwd"), "only http and https");
        cases.put(ok.replace(s.photo, "http://169.254.169.254/latest/meta-data/"), "not in faces.allowed-hosts");
        cases.put(ok.replace("\"api_url\":\"" + api.url() + "\"", "\"api_url\":\"https://evil.example\""),
                "api_url: host evil.example is not in faces.allowed-hosts");
        int before = api.posts().size();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = postHttp(c.getKey());
            assertEquals(400, r.statusCode(), c.getKey() + " -> " + r.body());
            assertTrue(r.body().contains(c.getValue()), c.getKey() + " -> " + r.body());
            assertFalse(r.body().contains(s.token), r.body());
        }
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.httpPort + "/faces/requests"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(ok)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(415, form.statusCode(), form.body());
        // a request with one bad source is refused as a whole: nothing of it was processed
        Src good = expect("photo", "astronaut-1face.png");
        Src video = new Src(s.pk, "video", s.photo, s.token);
        String mixed = request(good, video);
        HttpResponse<String> mixedAnswer = postHttp(mixed);
        assertEquals(400, mixedAnswer.statusCode(), mixed);
        assertTrue(mixedAnswer.body().contains("sources[1].type"), mixedAnswer.body());
        // no route runs for a refused request, so no completion to wait for: a moment for one that should not run
        Thread.sleep(500);
        assertEquals(before, api.posts().size(), "no source of a refused request is processed");
        assertEquals("awaiting", api.target("photo", good.pk).state);
    }

    @Test
    void malformedSqsRequestGoesToTheDeadLetterQueueWithTokensMasked() throws Exception {
        drainDlq();
        Src s = expect("photo", "astronaut-1face.png");
        String bad = request(s).replace("\"type\":\"photo\"", "\"type\":\"portrait\"");
        String garbage = "{\"api_url\": \"x\", \"sources\": [{\"token\": \"" + s.token + "\", oops";
        NotifyBuilder done = requestsDone(bad, garbage);
        sendSqs(bad);
        sendSqs(garbage);
        assertDone(done, Duration.ofSeconds(30), "both messages through faces-intake-sqs");
        List<String> dead = drainDlq();
        assertEquals(2, dead.size(), dead.toString());
        String all = String.join("\n", dead);
        assertTrue(all.contains("must be \\\"photo\\\" or \\\"reference\\\""), all);
        assertTrue(all.contains("not valid JSON"), all);
        assertTrue(all.contains("INVALID_REQUEST"), all);
        assertFalse(all.contains(s.token), "token leaked into the dead letter: " + all);
        // the consumer deletes a message in its on-completion hook, which may run after the notify matched
        await("SQS messages deleted", Duration.ofSeconds(20), () -> queueEmpty(queueUrl));
        assertEquals("awaiting", api.target("photo", s.pk).state);
    }

    /**
     * Issue 16.2: the query of api_url was kept, so {@code http://127.0.0.1:8080/maintenance/on?x=} made the POST
     * switch maintenance mode on. Every form that could steer the POST is refused as a whole, dead-lettered with
     * the reason, before any photo is fetched.
     */
    @Test
    void apiUrlThatCouldSteerThePostIsDeadLetteredBeforeAnySourceIsProcessed() throws Exception {
        drainDlq();
        Src s = expect("photo", "astronaut-1face.png");
        String base = api.url();
        String port = base.substring(base.lastIndexOf(':') + 1);
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put(base + "/maintenance/on?x=", "must not have a query");
        forms.put(base + "#x", "must not have a fragment");
        forms.put("http://user:pw@127.0.0.1:" + port, "user information");
        forms.put(base + "/%2e%2e/maintenance", "percent-encoded");
        forms.put(base + "/a%2fb", "percent-encoded");
        forms.put(base + "/a%5cb", "percent-encoded");
        forms.put(base + "/x/../maintenance", ". or .. path segments");
        forms.put("http://169.254.169.254", "host 169.254.169.254 is not in faces.allowed-hosts");
        forms.put("http://2852039166", "host 2852039166 (the IPv4 address 169.254.169.254) is not in faces.allowed-hosts");
        int photosBefore = api.photoRequests();
        int postsBefore = api.posts().size();
        List<String> bodies = new ArrayList<>();
        for (String apiUrl : forms.keySet()) {
            bodies.add(request(s).replace("\"api_url\":\"" + base + "\"", "\"api_url\":" + JSON.writeValueAsString(apiUrl)));
        }
        NotifyBuilder done = requestsDone(bodies.toArray(String[]::new));
        bodies.forEach(FacesRoutesTest::sendSqs);
        assertDone(done, Duration.ofSeconds(30), "every form through faces-intake-sqs");
        List<String> dead = new ArrayList<>();
        while (dead.size() < forms.size()) { // SQS hands out at most 10 messages a receive
            List<String> more = drainDlq();
            if (more.isEmpty()) {
                break;
            }
            dead.addAll(more);
        }
        assertEquals(forms.size(), dead.size(), dead.toString());
        for (Map.Entry<String, String> f : forms.entrySet()) {
            JsonNode d = dead.stream().map(FacesRoutesTest::json).filter(x -> x.get("request").asText()
                    .contains(f.getKey().replace("/", "\\/"))  || x.get("request").asText().contains(f.getKey()))
                    .findFirst().orElseThrow(() -> new AssertionError("no dead letter for " + f.getKey() + ": " + dead));
            assertEquals("INVALID_REQUEST", d.get("error").asText());
            assertTrue(d.get("reason").asText().startsWith("api_url: ") && d.get("reason").asText().contains(f.getValue()),
                    f.getKey() + " -> " + d.get("reason").asText());
        }
        HttpResponse<String> r = postHttp(request(s).replace("\"api_url\":\"" + base + "\"",
                "\"api_url\":\"" + base + "/maintenance/on?x=\""));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("api_url: must not have a query"), r.body());
        Thread.sleep(300); // no route runs for a refused request: a moment for one that should not run
        assertEquals(photosBefore, api.photoRequests(), "no photo fetched for a refused request");
        assertEquals(postsBefore, api.posts().size(), "nothing posted for a refused request");
        assertEquals("awaiting", api.target("photo", s.pk).state);
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(s, e);
        }
    }

    @Test
    void badSourcesFailAloneWithTheirReasons() throws Exception {
        drainDlq();
        Src missing = expect("photo", "no-such-photo.webp");
        Src slow = expect("photo", "slow");
        Src forbidden = expect("photo", "redirect-forbidden");
        Src huge = expect("photo", "huge");
        Src text = expect("photo", "text");
        Src cat = expect("photo", "cat-0faces.png");
        Src redirected = expect("photo", "redirect/astronaut-1200x900.webp");
        Src bomb = expect("photo", "bomb.png");
        Src manyRedirects = expect("photo", "redirect/redirect/redirect/redirect/cat-0faces.png");
        long t0 = System.nanoTime();
        FacesJob job = sendAndFinish(request(missing, slow, forbidden, huge, text, cat, redirected, bomb, manyRedirects),
                cat, redirected);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(2, job.succeededCount(), () -> job.outcomes().toString());
        assertEquals(0, accepted(cat).size());
        assertEquals(1, accepted(redirected).size());
        assertTrue(outcome(job, missing).reason().contains("404"), outcome(job, missing).reason());
        assertTrue(outcome(job, slow).reason().contains("did not answer within 1000 ms")
                && outcome(job, slow).reason().contains("not retried"), outcome(job, slow).reason());
        assertTrue(outcome(job, forbidden).reason().contains("redirect refused"), outcome(job, forbidden).reason());
        assertTrue(outcome(job, huge).reason().contains("faces.max-photo-bytes"), outcome(job, huge).reason());
        assertTrue(outcome(job, text).reason().contains("not a decodable image"), outcome(job, text).reason());
        assertTrue(outcome(job, bomb).reason().contains("30000x30000") && outcome(job, bomb).reason().contains("faces.max-pixels"),
                outcome(job, bomb).reason());
        assertTrue(outcome(job, manyRedirects).reason().contains("more than 3 redirects"), outcome(job, manyRedirects).reason());
        for (Src s : List.of(missing, slow, forbidden, huge, text, bomb, manyRedirects)) {
            assertEquals("awaiting", api.target("photo", s.pk).state, s + " must not be posted");
            assertTrue(api.posts("photo", s.pk).isEmpty());
        }
        // the 200 MB body was cut at the cap, not read (the stand-in's sending thread counts on for a moment)
        Thread.sleep(300);
        assertTrue(api.hugeBytesSent() < 64L * 1024 * 1024, "sent " + api.hugeBytesSent());
        // the slow photo: one attempt of 1 s (a slow host is not retried), not 3 x 4 s
        assertTrue(ms < 30_000, "took " + ms + " ms");
        // some sources succeeded: no dead letter
        assertEquals(List.of(), drainDlq());
    }

    /**
     * Issue 16.7: a redirect to {@code 127.1} was refused as "URL without host". It is read as the address it means:
     * followed when that address is allowed, refused with the right reason when not.
     */
    @Test
    void redirectsToShorthandIpv4HostsAreCheckedAsTheAddressTheyMean() throws Exception {
        Src allowed = expect("photo", "redirect-shorthand/astronaut-1face.png");
        Src forbidden = expect("photo", "redirect-forbidden-decimal");
        FacesJob job = sendAndFinish(request(allowed, forbidden), allowed);
        assertEquals(1, job.succeededCount(), () -> job.outcomes().toString());
        assertEquals(1, accepted(allowed).size());
        assertEquals("redirect refused: host 2852039166 (the IPv4 address 169.254.169.254) is not in faces.allowed-hosts",
                outcome(job, forbidden).reason());
        assertEquals("awaiting", api.target("photo", forbidden.pk).state);
    }

    @Test
    void aRequestWhoseSourcesAllFailIsDeadLetteredWithReasonsAndNoTokens() throws Exception {
        drainDlq();
        Src missing = expect("photo", "gone.jpg");
        Src text = expect("reference", "text");
        FacesJob job = sendAndFinish(request(missing, text));
        String id = job.requestId();
        assertEquals(2, job.failedCount());
        List<String> dead = drainDlq();
        assertEquals(1, dead.size(), dead.toString());
        JsonNode d = JSON.readTree(dead.get(0));
        assertEquals("ALL_SOURCES_FAILED", d.get("error").asText());
        assertEquals(id, d.get("request_id").asText());
        assertEquals(2, d.get("sources").size());
        assertFalse(dead.get(0).contains(missing.token) || dead.get(0).contains(text.token), dead.get(0));
        assertTrue(dead.get(0).contains("404"), dead.get(0));
        assertTrue(dead.get(0).contains("not a decodable image"), dead.get(0));
    }

    /**
     * Issue 16.4: a request at the size limit (10,000 sources) whose sources all failed made one dead letter larger
     * than SQS takes (MessageTooLong), so nothing was written. It is now split into parts within 256 KiB.
     */
    @Test
    void aFailedRequestAtTheSizeLimitIsDeadLetteredInPartsWithinSqsLimit() throws Exception {
        drainDlq();
        int n = 10_000;
        List<Map<String, Object>> sources = new ArrayList<>();
        String longPath = "members/2026/albums/" + "summer-party-".repeat(6);
        String signature = "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=" + "f".repeat(64) + "&X-Amz-Credential="
                + "A".repeat(120);
        for (int i = 0; i < n; i++) {
            sources.add(Map.of("pk", 2_000_000 + i, "type", i % 2 == 0 ? "photo" : "reference",
                    "photo_url", api.photoUrl(longPath + i + ".webp") + signature, "token", "s".repeat(30) + (1_000_000_000 + i)));
        }
        String body = JSON.writeValueAsString(Map.of("api_url", api.url(), "sources", sources));
        // this class sends nothing else over HTTP at the same time: the next request done is this one
        NotifyBuilder done = new NotifyBuilder(p.app.context()).fromRoute("faces-http-requests")
                .filter(TestPipelines::isWhole).whenDone(1).create();
        HttpResponse<String> r = postHttp(body);
        assertEquals(202, r.statusCode(), r.body());
        String id = JSON.readTree(r.body()).get("request_id").asText();
        assertDone(done, Duration.ofSeconds(90), "the request through faces-http-requests");
        FacesJob job = steps.finished(id);
        assertNotNull(job, "request " + id + " finished");
        assertEquals(n, job.failedCount());
        List<JsonNode> parts = new ArrayList<>();
        List<String> raw = new ArrayList<>();
        // written before the notify matched; read in several receives (SQS hands out at most 10 a receive)
        await("every part of the dead letter", Duration.ofSeconds(60), () -> {
            for (String d : drainDlq()) {
                JsonNode j = json(d);
                if (id.equals(j.get("request_id").asText())) {
                    parts.add(j);
                    raw.add(d);
                }
            }
            return !parts.isEmpty() && parts.size() == parts.get(0).get("parts").asInt();
        });
        assertTrue(parts.size() > 1, "split into parts: " + parts.size());
        java.util.Set<Long> pks = new java.util.HashSet<>();
        java.util.Set<Integer> partNumbers = new java.util.HashSet<>();
        for (int i = 0; i < parts.size(); i++) {
            assertTrue(raw.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 256 * 1024,
                    "part of " + raw.get(i).length() + " bytes");
            assertFalse(raw.get(i).contains("s".repeat(30)), "no token");
            assertFalse(raw.get(i).contains("X-Amz-Signature"), "no signature");
            JsonNode d = parts.get(i);
            assertEquals("ALL_SOURCES_FAILED", d.get("error").asText());
            assertEquals("all 10000 source(s) failed", d.get("reason").asText());
            partNumbers.add(d.get("part").asInt());
            d.get("sources").forEach(x -> {
                pks.add(x.get("pk").asLong());
                assertTrue(x.get("reason").asText().contains("404"), x.toString());
            });
        }
        assertEquals(parts.size(), partNumbers.size(), "distinct part numbers");
        assertEquals(n, pks.size(), "every source in exactly one part");
    }

    @Test
    void receiverAnswering500TwiceThen200GetsExactlyOneAcceptedPost() throws Exception {
        Src s = expect("photo", "astronaut-1face.png");
        api.failNext(2, 500);
        FacesJob job = sendAndFinish(request(s), s);
        assertEquals(1, job.succeededCount(), () -> job.outcomes().toString());
        List<FakeFaceApi.Post> posts = api.posts("photo", s.pk);
        assertEquals(List.of(500, 500, 200), posts.stream().map(FakeFaceApi.Post::status).toList());
        JsonNode body = JSON.readTree(posts.get(2).body());
        assertEquals(s.token, body.get("token").asText());
        assertEquals(1, body.get("encodings").size());
        assertEquals(128, body.get("encodings").get(0).size());
        assertEquals(1, accepted(s).size());
    }

    @Test
    void aPostThatTimesOutIsRetried() throws Exception {
        Src s = expect("reference", "astronaut-1face.png");
        api.delayNext(1, 2500);
        FacesJob job = sendAndFinish(request(s), s);
        assertEquals(1, job.succeededCount(), () -> job.outcomes().toString());
        assertEquals(1, accepted(s).size());
        assertEquals(1, api.posts("reference", s.pk).stream().filter(x -> x.status() == 200).count());
    }

    @Test
    void receiver4xxIsRecordedWithTheReasonAndNotRetried() throws Exception {
        Src wrongToken = expect("photo", "cat-0faces.png");
        Src unknownPk = new Src(987654321L, "photo", api.photoUrl("cat-0faces.png"), "t".repeat(40));
        Src wrong = new Src(wrongToken.pk, wrongToken.type, wrongToken.photo, "w".repeat(40));
        FacesJob job = sendAndFinish(request(wrong, unknownPk), wrong, unknownPk);
        assertEquals(2, job.failedCount(), () -> job.outcomes().toString());
        assertTrue(outcome(job, wrong).reason().contains("403") && outcome(job, wrong).reason().contains("Invalid token."),
                outcome(job, wrong).reason());
        assertTrue(outcome(job, unknownPk).reason().contains("404"), outcome(job, unknownPk).reason());
        assertEquals(1, api.posts("photo", wrong.pk).size());
        assertEquals(1, api.posts("photo", unknownPk.pk).size());
        drainDlq();
    }

    /** Upstream answers 200 to a reference with several faces and marks it rejected: posted once, not a failure. */
    @Test
    void aReferenceWithSeveralFacesIsPostedAndTheReceiverRejectsIt() throws Exception {
        Src groupRef = expect("reference", "group-6faces.jpg");
        FacesJob job = sendAndFinish(request(groupRef), groupRef);
        assertEquals(1, job.succeededCount(), () -> job.outcomes().toString());
        assertEquals(6, outcome(job, groupRef).faces());
        assertEquals("rejected", api.target("reference", groupRef.pk).state);
        assertEquals(List.of(200), api.posts("reference", groupRef.pk).stream().map(FakeFaceApi.Post::status).toList());
    }

    static boolean queueEmpty(String url) {
        return p.stack.sqs().getQueueAttributes(r -> r.queueUrl(url)
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings().values().stream().allMatch("0"::equals);
    }

    @Test
    void finishedRequestsKeepNoToken() throws Exception {
        Src s = expect("photo", "gone-again.jpg");
        FacesJob job = sendAndFinish(request(s));
        assertFalse(job.outcomes().toString().contains(s.token));
        assertFalse(new FaceSource(s.pk, s.type, s.photo, s.token).toString().contains(s.token));
        drainDlq();
    }
}
