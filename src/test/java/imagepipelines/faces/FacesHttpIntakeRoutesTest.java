package imagepipelines.faces;

import static imagepipelines.testsupport.TestPipelines.assertDone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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

/** POST /faces/requests with a bearer key, forwarded through the SQS queue (durable) instead of memory. */
class FacesHttpIntakeRoutesTest {

    static final String QUEUE = "face-encodings-requests-test";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static TestPipelines p;
    static FakeFaceApi api;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        api = TestPipelines.photoHost();
        Map<String, String> o = TestPipelines.facesSettings(QUEUE);
        o.put("faces.intake.http.secret", "s3cret-key");
        o.put("faces.intake.http.forward-to-queue", "true");
        p = TestPipelines.start(dir, o);
    }

    @AfterAll
    static void stop() throws Exception {
        TestPipelines.closeAll(p, api);
    }

    static HttpResponse<String> post(String body, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.httpPort + "/faces/requests"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void keyRequiredAndRequestsGoThroughTheQueue() throws Exception {
        String token = "k".repeat(40);
        api.expect("reference", 7, token);
        String body = JSON.writeValueAsString(Map.of("api_url", api.url(), "sources", List.of(Map.of("pk", 7,
                "type", "reference", "photo_url", api.photoUrl("a.webp"), "token", token))));
        assertEquals(401, post(body, null).statusCode());
        assertEquals(401, post(body, "Bearer wrong").statusCode());
        assertEquals(400, post("{}", "Bearer s3cret-key").statusCode());
        NotifyBuilder posted = FacesNotify.postsDone(p, token);
        HttpResponse<String> ok = post(body, "Bearer s3cret-key");
        assertEquals(202, ok.statusCode(), ok.body());
        String id = JSON.readTree(ok.body()).get("request_id").asText();
        String sqsId = id;
        FacesJobs steps = p.app.context().getRegistry().lookupByNameAndType("facesJobs", FacesJobs.class);
        // the id answered is the SQS message id, under which the queue consumer processes the request
        assertDone(posted, Duration.ofSeconds(60), "the post through faces-post-encodings");
        assertNotNull(steps.finished(sqsId), "finished under the SQS message id");
        assertEquals("done", api.target("reference", 7).state);
        assertEquals(1, api.target("reference", 7).encodings.size());
        assertTrue(id.matches("[0-9a-fA-F-]{36}"), id);
    }
}
