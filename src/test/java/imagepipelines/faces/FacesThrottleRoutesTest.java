package imagepipelines.faces;

import static imagepipelines.testsupport.TestPipelines.assertDone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.local.FakeFaceApi;
import imagepipelines.testsupport.TestPipelines;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10.4: concrexit's receiver allows 30 requests per minute per client IP and answers 429 with Retry-After.
 * Here the stand-in throttles at a scaled-down rate and the application posts faster than it allows, so 429s come:
 * every encoding is still delivered exactly once, none is marked failed, none is computed twice, also across a
 * restart while posts wait.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FacesThrottleRoutesTest {

    static final String QUEUE = "face-encodings-requests-test";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static TestPipelines p;
    static FakeFaceApi api;
    static long nextPk = 5000;

    @BeforeAll
    static void start() throws Exception {
        api = TestPipelines.photoHost();
        Map<String, String> o = TestPipelines.facesSettings(QUEUE);
        // 15 per second: more than the stand-in's 10 per second below, so the receiver's 429s are met
        o.put("faces.post.rate-per-minute", "900");
        o.put("faces.post.visibility-seconds", "5");
        // the poster is started by each test: posts wait on the queue until then (and then come in a burst, so the
        // receiver's throttle is met however fast this machine encodes)
        o.put("faces.post.enabled", "false");
        p = TestPipelines.start(dir, o);
    }

    @AfterAll
    static void stop() throws Exception {
        TestPipelines.closeAll(p, api);
    }

    static void startPoster() throws Exception {
        p.app.context().getRouteController().startRoute("faces-post-encodings");
    }

    static FacesStats stats() {
        return p.app.context().getRegistry().lookupByNameAndType("facesStats", FacesStats.class);
    }

    static FacesJobs steps() {
        return p.app.context().getRegistry().lookupByNameAndType("facesJobs", FacesJobs.class);
    }

    /** n sources awaiting encodings at the stand-in; the request's JSON. */
    static String request(List<Long> pks, int n) throws Exception {
        List<Map<String, Object>> sources = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long pk = nextPk++;
            String token = token(pk);
            api.expect("photo", pk, token);
            pks.add(pk);
            sources.add(Map.of("pk", pk, "type", "photo", "photo_url", api.photoUrl("a.webp") + "?n=" + pk, "token", token));
        }
        return JSON.writeValueAsString(Map.of("api_url", api.url(), "sources", sources));
    }

    static String token(long pk) {
        return ("tok" + pk + "x".repeat(40)).substring(0, 40);
    }

    /** Camel's NotifyBuilder: a post of each of these sources delivered by faces-post-encodings (posted or failed). */
    static NotifyBuilder postsDone(List<Long> pks) {
        return FacesNotify.postsDone(p, pks.stream().map(FacesThrottleRoutesTest::token).toArray(String[]::new));
    }

    static String send(String body) {
        return p.send(QUEUE, body);
    }

    static long accepted(List<Long> pks) {
        Set<String> mine = pks.stream().map(String::valueOf).collect(Collectors.toSet());
        return api.accepted().stream().filter(x -> mine.contains(x.pk())).count();
    }

    /** Each pk accepted exactly once, and nothing but 200 and 429 answered to these pks (no failure, no repeat). */
    static void assertDeliveredOnce(List<Long> pks) {
        for (long pk : pks) {
            List<Integer> statuses = api.posts("photo", pk).stream().map(FakeFaceApi.Post::status).toList();
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), pk + ": " + statuses);
            assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 429), pk + ": " + statuses);
            assertEquals("done", api.target("photo", pk).state);
        }
    }

    static int dlqMessages() {
        String dlq = p.stack.sqs().getQueueUrl(r -> r.queueName(QUEUE + "-dlq")).queueUrl();
        return p.stack.sqs().receiveMessage(r -> r.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1))
                .messages().size();
    }

    @Test
    @Order(1)
    void hundredSourcesAgainstAThrottlingReceiverAreAllDeliveredOnceAndNoneFails() throws Exception {
        api.throttle(10, 1000);
        long encodedBefore = stats().count("analyze");
        int throttledBefore = api.throttledCount();
        List<Long> pks = new ArrayList<>();
        String body = request(pks, 100);
        NotifyBuilder queued = FacesNotify.requestsDone(p, body);
        String id = send(body);
        assertDone(queued, Duration.ofSeconds(150), "100 sources encoded and queued by faces-intake-sqs");
        assertEquals(100, stats().count("analyze") - encodedBefore, "each photo encoded once");
        assertEquals(0, accepted(pks), "nothing posted while the poster is off: the encodings wait on the queue");
        NotifyBuilder posted = postsDone(pks);
        long t0 = System.nanoTime();
        startPoster();
        assertDone(posted, Duration.ofSeconds(60), "100 posts through faces-post-encodings");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        FacesJob job = steps().finished(id);
        assertNotNull(job, "request " + id + " finished with its last post");
        assertEquals(100, job.succeededCount(), () -> job.outcomes().toString());
        assertEquals(0, job.failedCount(), () -> job.outcomes().toString());
        assertEquals(100, accepted(pks));
        assertDeliveredOnce(pks);
        assertEquals(100, stats().count("analyze") - encodedBefore, "each photo encoded once");
        assertTrue(api.throttledCount() > throttledBefore, "the receiver throttled (its 429s were met and honoured)");
        // never more than 10 accepted in any second at the receiver: 100 posts need at least 9 s
        assertTrue(ms >= 9_000 && ms < 40_000, "posting took " + ms + " ms");
        System.out.println("100 posts against 10 per second with 429s: " + ms + " ms, "
                + (api.throttledCount() - throttledBefore) + " answered 429");
        assertEquals(0, dlqMessages());
    }

    @Test
    @Order(2)
    void aRestartWhilePostsWaitLosesNoEncodingAndComputesNothingTwice() throws Exception {
        // 2 posts per 3 s: the 20 encodings are computed long before they can all be posted
        api.throttle(2, 3000);
        long encodedBefore = stats().count("analyze");
        List<Long> pks = new ArrayList<>();
        startPoster();
        String body = request(pks, 20);
        NotifyBuilder queued = FacesNotify.requestsDone(p, body);
        send(body);
        assertDone(queued, Duration.ofSeconds(60), "20 sources encoded and queued by faces-intake-sqs");
        assertEquals(20, stats().count("analyze") - encodedBefore, "each photo encoded once");
        long beforeRestart = accepted(pks);
        assertTrue(beforeRestart < 20, "posts still waiting at the restart: " + beforeRestart + " delivered");
        p = p.restart();
        // the restarted instance's poster waits until started: what it has to deliver is known now
        List<Long> waiting = pks.stream().filter(pk -> !"done".equals(api.target("photo", pk).state)).toList();
        assertEquals(20 - accepted(pks), waiting.size());
        long encodedAfterRestart = stats().count("analyze");
        api.throttle(10, 1000);
        NotifyBuilder delivered = postsDone(waiting);
        startPoster();
        assertDone(delivered, Duration.ofSeconds(40), "the waiting posts through faces-post-encodings after the restart");
        assertEquals(20, accepted(pks), "all 20 delivered after the restart");
        assertDeliveredOnce(pks);
        assertEquals(encodedAfterRestart, stats().count("analyze"), "nothing computed again after the restart");
        assertEquals(0, dlqMessages());
    }
}
