package imagepipelines.faces;

import static imagepipelines.testsupport.TestPipelines.assertDone;
import static imagepipelines.testsupport.TestPipelines.await;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.local.FakeFaceApi;
import imagepipelines.testsupport.TestPipelines;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * SQS delivers at least once: a faces request whose worker died comes back whole after the visibility timeout, and a
 * post message whose worker died between the receiver's 200 and the delete comes back too. The receiver (stand-in
 * enforcing CONTRACTS §2) answers a second post of a source with 400 "This object is not processing.": such a source
 * must end done, posted once, and never in the dead-letter queue (regression of the defect scenario 5 of the fault
 * suite found, docs/reliability.md). Real routes, the real model, the embedded S3 (posted marks) and SQS.
 */
class FacesRedeliveryRoutesTest {

    static final String QUEUE = "face-encodings-requests-test";
    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicLong PKS = new AtomicLong(5000);

    @TempDir
    static Path dir;
    static TestPipelines p;
    static FakeFaceApi api;
    static String queueUrl;
    static String postsUrl;
    static String dlqUrl;
    static FacesJobs jobs;

    @BeforeAll
    static void start() throws Exception {
        api = new FakeFaceApi(0);
        api.photo("astronaut-1face.png", resource("/faces/astronaut-1face.png"));
        api.photo("cat-0faces.png", resource("/faces/cat-0faces.png"));
        Map<String, String> o = TestPipelines.facesSettings(QUEUE);
        o.put("faces.post.rate-per-minute", "60000");
        o.put("faces.retry.max", "2");
        o.put("faces.retry.delay-ms", "50");
        o.put("faces.retry.max-delay-ms", "200");
        o.put("faces.api.timeout-ms", "2000");
        p = TestPipelines.start(dir, o);
        queueUrl = p.stack.sqs().getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
        postsUrl = p.stack.sqs().getQueueUrl(r -> r.queueName(QUEUE + "-posts")).queueUrl();
        dlqUrl = p.stack.sqs().getQueueUrl(r -> r.queueName(QUEUE + "-dlq")).queueUrl();
        jobs = p.app.context().getRegistry().lookupByNameAndType("facesJobs", FacesJobs.class);
    }

    @AfterAll
    static void stop() throws Exception {
        if (p != null) {
            p.close();
        }
        if (api != null) {
            api.close();
        }
    }

    static FaceSource expect(String photo) {
        long pk = PKS.incrementAndGet();
        String token = "tok" + pk + "y".repeat(40 - 3 - String.valueOf(pk).length());
        api.expect("photo", pk, token);
        return new FaceSource(pk, "photo", api.photoUrl(photo), token);
    }

    static String request(FaceSource... sources) throws Exception {
        List<Map<String, Object>> list = new ArrayList<>();
        for (FaceSource s : sources) {
            list.add(Map.of("pk", s.pk(), "type", s.type(), "photo_url", s.photoUrl(), "token", s.token()));
        }
        return JSON.writeValueAsString(Map.of("api_url", api.url(), "sources", list));
    }

    static String send(String body) {
        return p.stack.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(body)).messageId();
    }

    static FacesJob awaitJob(String id) {
        await("request " + id + " finished", Duration.ofSeconds(90), () -> jobs.finished(id) != null);
        return jobs.finished(id);
    }

    static List<Integer> statuses(FaceSource s) {
        return api.posts(s.type(), s.pk()).stream().map(FakeFaceApi.Post::status).toList();
    }

    static List<String> dlq() {
        List<String> out = new ArrayList<>();
        for (Message m : p.stack.sqs().receiveMessage(r -> r.queueUrl(dlqUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(1)).messages()) {
            out.add(m.body());
            p.stack.sqs().deleteMessage(r -> r.queueUrl(dlqUrl).receiptHandle(m.receiptHandle()));
        }
        return out;
    }

    /** Matches once faces-post-encodings is done with {@code n} post messages of the source. */
    static NotifyBuilder postsDone(FaceSource s, int n) {
        return new NotifyBuilder(p.app.context()).fromRoute("faces-post-encodings").filter(e -> {
            try {
                return s.token().equals(QueuedPost.parse(e.getMessage().getBody(String.class)).token());
            } catch (Exception notAPost) {
                return false;
            }
        }).whenDone(n).create();
    }

    @Test
    void aRequestRedeliveredAfterSomeOfItsSourcesWerePostedPostsOnlyTheRestAndDeadLettersNothing() throws Exception {
        FaceSource a = expect("astronaut-1face.png");
        FaceSource b = expect("cat-0faces.png");
        FaceSource c = expect("astronaut-1face.png");
        FaceSource d = expect("cat-0faces.png");
        // the worker that died had posted a and b: the receiver has them (and the routes marked them)
        assertEquals(2, awaitJob(send(request(a, b))).succeededCount());
        assertEquals(List.of(200), statuses(a));
        assertEquals(List.of(200), statuses(b));
        // the whole request: received by a worker that died (its receive, then nothing), back after its visibility
        p.app.context().getRouteController().stopRoute("faces-intake-sqs");
        String id = send(request(a, b, c, d));
        List<Message> taken = p.stack.sqs().receiveMessage(r -> r.queueUrl(queueUrl).visibilityTimeout(1)
                .waitTimeSeconds(2)).messages();
        assertEquals(List.of(id), taken.stream().map(Message::messageId).toList());
        p.app.context().getRouteController().startRoute("faces-intake-sqs");
        FacesJob again = awaitJob(id);

        assertEquals(4, again.succeededCount(), () -> again.outcomes().toString());
        assertEquals(0, again.failedCount(), () -> again.outcomes().toString());
        assertEquals(List.of(200), statuses(a), "a is not posted again");
        assertEquals(List.of(200), statuses(b), "b is not posted again");
        assertEquals(List.of(200), statuses(c));
        assertEquals(List.of(200), statuses(d));
        assertEquals(1, again.outcomes().stream().filter(o -> o.pk() == a.pk()).findFirst().orElseThrow().faces(),
                "a's outcome keeps the number of faces posted");
        assertEquals(List.of(), dlq(), "nothing dead-lettered");
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + p.httpPort + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("pipelines_outcomes_total{")
                && l.contains("outcome=\"already_posted\"") && l.contains("stage=\"process-source\"")
                && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 2), "already_posted counted:\n"
                + metrics.lines().filter(l -> l.contains("faces")).toList());
    }

    @Test
    void aPostMessageRedeliveredAfterTheReceiversOkIsNotPostedAgain() throws Exception {
        FaceSource e = expect("astronaut-1face.png");
        NotifyBuilder handled = postsDone(e, 2);
        String id = send(request(e));
        assertEquals(1, awaitJob(id).succeededCount());
        assertEquals(List.of(200), statuses(e));
        List<float[]> encodings = api.target("photo", e.pk()).encodings;
        assertEquals(1, encodings.size());
        // the worker died after the 200 and before deleting the post message: SQS delivers it again
        String again = QueuedPost.of(id, new FacesRequest(api.url(), List.of(e)), e, encodings).toJson();
        p.stack.sqs().sendMessage(r -> r.queueUrl(postsUrl).messageBody(again));
        assertDone(handled, Duration.ofSeconds(30), "the post and its redelivered copy handled");

        assertEquals(List.of(200), statuses(e), "posted once");
        assertEquals(List.of(), dlq(), "nothing dead-lettered");
        await("post queue empty", Duration.ofSeconds(10), () -> p.stack.sqs().getQueueAttributes(r -> r.queueUrl(postsUrl)
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings().values().stream().allMatch("0"::equals));
    }

    @Test
    void aPostRedeliveredAfterItsWorkerDiedBetweenTheReceiversOkAndTheMarkIsDoneNotDeadLettered() throws Exception {
        FaceSource g = expect("astronaut-1face.png");
        List<float[]> encodings = p.app.context().getRegistry().lookupByNameAndType("facesEncoder", FaceEncoder.class)
                .encodings(resource("/faces/astronaut-1face.png"));
        String requestId = "request-of-a-dead-worker";
        // what the dead worker did: its intent, the POST (accepted), then it died before the posted mark and the delete
        PostedMarks marks = p.app.context().getRegistry().lookupByNameAndType("facesPostedMarks", PostedMarks.class);
        marks.posting(api.url(), g, requestId);
        p.app.context().getRegistry().lookupByNameAndType("facesPoster", EncodingPoster.class)
                .post(new FacesRequest(api.url(), List.of(g)).resultUrl(g), g, encodings);
        assertEquals("done", api.target("photo", g.pk()).state);
        NotifyBuilder handled = postsDone(g, 1);
        String again = QueuedPost.of(requestId, new FacesRequest(api.url(), List.of(g)), g, encodings).toJson();
        p.stack.sqs().sendMessage(r -> r.queueUrl(postsUrl).messageBody(again));
        assertDone(handled, Duration.ofSeconds(30), "the redelivered post handled");

        // its answer unknown, the post is sent again; the receiver's "not processing" then means done
        assertEquals(List.of(200, 400), statuses(g));
        assertEquals(List.of(), dlq(), "nothing dead-lettered");
        assertEquals(1, marks.posted(api.url(), g), "marked as posted now");
    }

    /** A request sent again (a new message) after its encodings were accepted: done, not posted twice. */
    @Test
    void aRepeatedRequestIsNotPostedAgain() throws Exception {
        FaceSource s = expect("cat-0faces.png");
        assertEquals(1, awaitJob(send(request(s))).succeededCount());
        FacesJob again = awaitJob(send(request(s)));
        assertEquals(1, again.succeededCount(), () -> again.outcomes().toString());
        assertEquals(List.of(200), statuses(s));
        assertEquals(List.of(), dlq(), "nothing dead-lettered");
    }

    /** The receiver has encodings for it from elsewhere (no mark of ours): its 400 stays a refusal of the source. */
    @Test
    void aSourceTheReceiverNoLongerAwaitsIsRefusedAndRecorded() throws Exception {
        FaceSource s = expect("cat-0faces.png");
        api.target("photo", s.pk()).state = "done";
        FacesJob job = awaitJob(send(request(s)));
        assertEquals(1, job.failedCount(), () -> job.outcomes().toString());
        assertTrue(job.outcomes().get(0).reason().contains("This object is not processing."), job.outcomes().toString());
        assertEquals(List.of(400), statuses(s));
        dlq();
    }

    @Test
    void thePostedMarkHoldsNoTokenAndIsIgnoredPastItsMaximumAge() throws Exception {
        FaceSource f = expect("cat-0faces.png");
        assertEquals(1, awaitJob(send(request(f))).succeededCount());
        PostedMarks marks = p.app.context().getRegistry().lookupByNameAndType("facesPostedMarks", PostedMarks.class);
        assertEquals(0, marks.posted(api.url(), f));
        String key = marks.key(api.url(), f);
        assertTrue(key.startsWith("_control/faces-posted/"), key);
        assertFalse(key.contains(f.token()), key);
        var head = p.head("animl-images-parkinglot-test", key);
        assertNotNull(head);
        assertFalse(head.metadata().toString().contains(f.token()), head.metadata().toString());
        // another token (another object of the site) or another receiver has no mark
        assertNull(marks.posted(api.url(), new FaceSource(f.pk(), f.type(), f.photoUrl(), "z".repeat(40))));
        assertNull(marks.posted("http://127.0.0.1:1", f));
        PostedMarks expired = new PostedMarks(p.s3(), "animl-images-parkinglot-test", "_control/faces-posted/", 0);
        Thread.sleep(1100);
        assertNull(expired.posted(api.url(), f), "a mark older than the maximum age is ignored");
    }
}
