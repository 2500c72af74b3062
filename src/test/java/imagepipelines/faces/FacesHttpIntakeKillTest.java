package imagepipelines.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.local.FakeFaceApi;
import imagepipelines.local.LocalStack;
import imagepipelines.testsupport.ChildJvm;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prod profile's HTTP faces intake as a separate process: a request answered 202 survives a SIGKILL of that
 * process right after the answer (it is on faces.queue, not in memory) and a restarted process posts its encodings.
 * Regression: with the old default (forward-to-queue false) the request was held in memory and lost.
 */
class FacesHttpIntakeKillTest {

    static final String QUEUE = "face-encodings-requests-test";
    static final String KEY = "intake-key-for-this-test";

    @TempDir
    static Path dir;
    static LocalStack stack;
    static FakeFaceApi api;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(dir.resolve("local"));
        LocalStack.createQueueWithDeadLetter(stack.sqs(), QUEUE, 5, 900);
        LocalStack.createQueueWithDeadLetter(stack.sqs(), QUEUE + "-posts", 5, 120);
        api = new FakeFaceApi(0);
        api.photo("a.webp", TestPipelines.resource("/faces/astronaut-1200x900.webp"));
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
        stack.close();
    }

    static Map<String, String> env(int port) {
        Map<String, String> env = new HashMap<>(ChildJvm.asEnv(stack.properties()));
        env.put("CAMEL_MAIN_PROFILE", "prod");
        env.put("PIPELINES_STAGE", "test");
        env.put("PIPELINES_WORKFLOWS", "faces");
        env.put("PIPELINES_SCRATCH_DIR", dir.resolve("scratch").toString());
        env.put("CAMEL_SERVER_PORT", String.valueOf(port));
        env.put("CAMEL_MANAGEMENT_PORT", String.valueOf(port));
        env.put("FACES_ALLOWED_HOSTS", "127.0.0.1");
        env.put("FACES_INTAKE_LAMBDA_ENABLED", "false");
        env.put("FACES_INTAKE_HTTP_SECRET", KEY);
        env.put("FACES_WARM_UP_ROUNDS", "1");
        // a message received by the killed process comes back after this (SQS cannot know the receiver died)
        env.put("FACES_QUEUE_VISIBILITY_SECONDS", "5");
        env.put("IMAGE_PIPELINES_MODELS", Path.of("models/face-api").toAbsolutePath().toString());
        return env;
    }

    @Test
    void requestAcceptedOverHttpSurvivesAKillAndIsProcessedByTheRestartedProcess() throws Exception {
        String token = "t".repeat(40);
        api.expect("reference", 11, token);
        String body = new ObjectMapper().writeValueAsString(Map.of("api_url", api.url(), "sources", List.of(Map.of(
                "pk", 11, "type", "reference", "photo_url", api.photoUrl("a.webp"), "token", token))));
        int port = TestPipelines.freePort();
        try (ChildJvm first = ChildJvm.start(dir, "faces-first", List.of("run"), env(port))) {
            first.awaitReady(port, Duration.ofSeconds(180));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + port + "/faces/requests")).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, r.statusCode(), r.body());
            first.kill();
            assertTrue(api.posts().isEmpty(), "killed before the request was done: " + api.posts());
            assertTrue(!first.log().contains(token), "no token in the log");
        }
        int port2 = TestPipelines.freePort();
        try (ChildJvm second = ChildJvm.start(dir, "faces-second", List.of("run"), env(port2))) {
            second.awaitReady(port2, Duration.ofSeconds(180));
            TestPipelines.await("encodings posted by the restarted process", Duration.ofSeconds(120),
                    () -> "done".equals(api.target("reference", 11).state));
            assertEquals(1, api.target("reference", 11).encodings.size());
            assertEquals(1, api.posts("reference", 11).size(), "posted once");
            assertTrue(!second.log().contains(token), "no token in the log");
        }
    }
}
