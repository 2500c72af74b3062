package imagepipelines.faces;

import static imagepipelines.testsupport.TestPipelines.await;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.local.FakeFaceApi;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16.3: a photo host sending one byte a second held a worker for ~90 s per source (read time-out restarted by
 * every byte, times 5 tries), and two such sources delayed an unrelated request by 90 s. Now each download has a
 * total deadline, a slow source is not retried, at most faces.download.per-host downloads run at once per photo
 * server, and no worker waits for a download. Scaled down: a 6 s deadline.
 */
class FacesSlowHostRoutesTest {

    static final String QUEUE = "face-encodings-requests-test";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static TestPipelines p;
    static FakeFaceApi api;
    static FakeFaceApi slowHost;

    @BeforeAll
    static void start() throws Exception {
        api = new FakeFaceApi(0);
        api.photo("a.webp", resource("/faces/astronaut-1200x900.webp"));
        slowHost = new FakeFaceApi(0);
        Map<String, String> o = new LinkedHashMap<>();
        o.put("pipelines.workflows", "faces");
        o.put("pipelines.local.queues", QUEUE + "," + QUEUE + "-posts");
        o.put("faces.queue.wait-seconds", "1");
        o.put("faces.allowed-hosts", "127.0.0.1");
        o.put("faces.workers", "2");
        o.put("faces.warm-up-rounds", "1");
        o.put("faces.post.rate-per-minute", "60000");
        o.put("faces.download.timeout-ms", "2000");
        o.put("faces.download.deadline-ms", "6000");
        o.put("faces.download.per-host", "2");
        o.put("faces.download.in-flight", "4");
        o.put("faces.retry.max", "4");
        o.put("faces.retry.delay-ms", "50");
        p = TestPipelines.start(dir, o);
    }

    @AfterAll
    static void stop() throws Exception {
        if (p != null) {
            p.close();
        }
        if (api != null) {
            api.close();
        }
        if (slowHost != null) {
            slowHost.close();
        }
    }

    static String send(List<Map<String, Object>> sources) throws Exception {
        String body = JSON.writeValueAsString(Map.of("api_url", api.url(), "sources", sources));
        String url = p.stack.sqs().getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
        return p.stack.sqs().sendMessage(r -> r.queueUrl(url).messageBody(body)).messageId();
    }

    static Map<String, Object> source(long pk, String photoUrl) {
        String token = ("tok" + pk + "x".repeat(40)).substring(0, 40);
        api.expect("photo", pk, token);
        return Map.of("pk", pk, "type", "photo", "photo_url", photoUrl, "token", token);
    }

    @Test
    void aPhotoHostDrippingOneBytePerSecondDelaysNoOtherRequestAndFailsAtItsDeadline() throws Exception {
        FacesJobs steps = p.app.context().getRegistry().lookupByNameAndType("facesJobs", FacesJobs.class);
        List<Map<String, Object>> slow = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            slow.add(source(100 + i, slowHost.photoUrl("drip") + "?n=" + i));
        }
        long tSlow = System.nanoTime();
        String slowId = send(slow);
        await("the slow downloads started", Duration.ofSeconds(30), () -> slowHost.photoRequests() >= 2);

        long t0 = System.nanoTime();
        String fastId = send(List.of(source(200, api.photoUrl("a.webp"))));
        await("the unrelated request finished", Duration.ofSeconds(30), () -> steps.finished(fastId) != null);
        long fastMs = (System.nanoTime() - t0) / 1_000_000;
        assertNull(steps.finished(slowId), "the unrelated request did not wait for the slow one");
        assertEquals(2, slowHost.photoRequests(), "at most faces.download.per-host downloads from the slow server");
        assertEquals(1, steps.finished(fastId).succeededCount());
        assertEquals("done", api.target("photo", 200).state);

        await("the slow request finished", Duration.ofSeconds(40), () -> steps.finished(slowId) != null);
        long slowMs = (System.nanoTime() - tSlow) / 1_000_000;
        FacesJob job = steps.finished(slowId);
        assertEquals(4, job.failedCount(), () -> job.outcomes().toString());
        for (FacesJob.Outcome o : job.outcomes()) {
            assertTrue(o.reason().contains("exceeded its deadline of 6000 ms (faces.download.deadline-ms)"), o.reason());
            assertEquals("awaiting", api.target("photo", o.pk()).state);
        }
        assertEquals(4, slowHost.photoRequests(), "a merely slow source is not retried");
        // two rounds of two 6 s downloads, not 4 x 5 tries
        assertTrue(slowMs < 25_000, "slow request took " + slowMs + " ms");
        System.out.println("unrelated request: " + fastMs + " ms; slow request (4 dripping sources, 6 s deadline): "
                + slowMs + " ms");
    }
}
