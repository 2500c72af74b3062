package imagepipelines.faces;

import static imagepipelines.testsupport.TestPipelines.assertDone;
import static imagepipelines.testsupport.TestPipelines.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.local.FakeFaceApi;
import imagepipelines.testsupport.TestPipelines;
import org.apache.camel.builder.NotifyBuilder;
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
        api = TestPipelines.photoHost();
        slowHost = new FakeFaceApi(0);
        Map<String, String> o = TestPipelines.facesSettings(QUEUE);
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
        TestPipelines.closeAll(p, api, slowHost);
    }

    static String body(List<Map<String, Object>> sources) throws Exception {
        return JSON.writeValueAsString(Map.of("api_url", api.url(), "sources", sources));
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
        String slowBody = body(slow);
        NotifyBuilder slowDone = FacesNotify.requestsDone(p, slowBody);
        long tSlow = System.nanoTime();
        String slowId = p.send(QUEUE, slowBody);
        // counted by the photo host stand-in as the downloads arrive: no route has finished anything yet
        await("the slow downloads started", Duration.ofSeconds(30), () -> slowHost.photoRequests() >= 2);

        Map<String, Object> fast = source(200, api.photoUrl("a.webp"));
        String fastBody = body(List.of(fast));
        NotifyBuilder fastDone = FacesNotify.requestsDone(p, fastBody);
        NotifyBuilder fastPosted = FacesNotify.postsDone(p, (String) fast.get("token"));
        long t0 = System.nanoTime();
        String fastId = p.send(QUEUE, fastBody);
        assertDone(fastDone, Duration.ofSeconds(30), "the unrelated request through faces-intake-sqs");
        assertDone(fastPosted, Duration.ofSeconds(30), "its post through faces-post-encodings");
        long fastMs = (System.nanoTime() - t0) / 1_000_000;
        assertNotNull(steps.finished(fastId), "the unrelated request finished");
        assertNull(steps.finished(slowId), "the unrelated request did not wait for the slow one");
        assertEquals(2, slowHost.photoRequests(), "at most faces.download.per-host downloads from the slow server");
        assertEquals(1, steps.finished(fastId).succeededCount());
        assertEquals("done", api.target("photo", 200).state);

        assertDone(slowDone, Duration.ofSeconds(40), "the slow request through faces-intake-sqs");
        long slowMs = (System.nanoTime() - tSlow) / 1_000_000;
        FacesJob job = steps.finished(slowId);
        assertNotNull(job, "the slow request finished");
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
