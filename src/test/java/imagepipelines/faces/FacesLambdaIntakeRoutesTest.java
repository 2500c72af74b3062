package imagepipelines.faces;

import static imagepipelines.testsupport.TestPipelines.assertDone;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.faces.model.FaceAnalyzer;
import imagepipelines.local.FakeFaceApi;
import imagepipelines.local.LocalStack;
import imagepipelines.testsupport.TestPipelines;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The Lambda-compatible intake driven by the real client: Debian's python3-boto3 invoking the running service exactly
 * as the members' site's services.py does (plus endpoint_url and region_name), with the receiver stand-in checking
 * the encodings that arrive.
 */
class FacesLambdaIntakeRoutesTest {

    static final String QUEUE = "face-encodings-requests-test";
    // shaped like the members' site's production ARN: with an alias after the name
    static final String FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:face-encodings-test:production";
    static final String KEY_ID = "AKIACONCREXITTEST001";
    static final String SECRET = "concrexit-test-secret-0123456789abcdefghij";
    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicLong PKS = new AtomicLong(100);

    @TempDir
    static Path dir;
    static TestPipelines p;
    static FakeFaceApi api;
    static FacesJobs steps;
    static String queueUrl;
    static Path script;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs /usr/bin/python3 (bin/setup installs python3-boto3)");
        script = dir.resolve("lambda_invoke.py");
        Files.write(script, resource("/faces/lambda_invoke.py"));
        api = new FakeFaceApi(0);
        api.photo("astronaut.webp", resource("/faces/astronaut-1200x900.webp"));
        api.photo("group.jpg", resource("/faces/group-6faces.jpg"));
        Map<String, String> o = TestPipelines.facesSettings(QUEUE);
        o.put("faces.intake.lambda.function-name", FUNCTION);
        // a second key pair, as during a rotation
        o.put("faces.intake.lambda.access-key", "AKIAOTHERKEY00000000:other-secret," + KEY_ID + ":" + SECRET);
        p = TestPipelines.start(dir, o);
        steps = p.app.context().getRegistry().lookupByNameAndType("facesJobs", FacesJobs.class);
        queueUrl = p.stack.sqs().getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        TestPipelines.closeAll(p, api);
    }

    /** One boto3 invoke in a child process; its outcome as printed by lambda_invoke.py. */
    static JsonNode invoke(Map<String, Object> overrides) throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("endpoint", "http://127.0.0.1:" + p.httpPort);
        args.put("region", LocalStack.REGION);
        args.put("key", KEY_ID);
        args.put("secret", SECRET);
        args.put("function", FUNCTION);
        args.put("type", "Event");
        args.putAll(overrides);
        Process proc = new ProcessBuilder("/usr/bin/python3", script.toString())
                .redirectError(dir.resolve("boto3-stderr.txt").toFile()).start();
        try (var in = proc.getOutputStream()) {
            in.write(JSON.writeValueAsBytes(args));
        }
        String out;
        try (InputStream stdout = proc.getInputStream()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "boto3 did not finish");
        assertEquals(0, proc.exitValue(), () -> "boto3 failed: " + out + stderr());
        return JSON.readTree(out);
    }

    static String stderr() {
        try {
            return Files.readString(dir.resolve("boto3-stderr.txt"));
        } catch (IOException e) {
            return "";
        }
    }

    record Src(long pk, String type, String photo, String token) {
        Map<String, Object> json() {
            return Map.of("pk", pk, "type", type, "photo_url", api.photoUrl(photo), "token", token);
        }
    }

    /** Camel's NotifyBuilder: a post of each source delivered by faces-post-encodings. */
    static NotifyBuilder postsDone(Src... sources) {
        return FacesNotify.postsDone(p, java.util.Arrays.stream(sources).map(Src::token).toArray(String[]::new));
    }

    static Src expect(String type, String photo) {
        long pk = PKS.incrementAndGet();
        String token = ("t" + pk + "x").repeat(10).substring(0, 40);
        api.expect(type, pk, token);
        return new Src(pk, type, photo, token);
    }

    static Map<String, Object> request(Src... sources) {
        return Map.of("api_url", api.url(), "sources", List.of(sources).stream().map(Src::json).toList());
    }

    static int queued() {
        Map<QueueAttributeName, String> a = p.stack.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    static void assertError(JsonNode r, int status, String code, String messagePart) {
        JsonNode e = r.get("error");
        assertNotNull(e, () -> "expected " + code + ", got " + r);
        assertEquals(status, e.get("HTTPStatusCode").asInt(), r::toString);
        assertEquals(code, e.get("Code").asText(), r::toString);
        assertTrue(e.get("Message").asText().contains(messagePart), r::toString);
    }

    @Test
    void eventWithAnArnIsQueuedAnd202AndTheEncodingsOfRealPhotosArrive() throws Exception {
        Src reference = expect("reference", "astronaut.webp");
        Src group = expect("photo", "group.jpg");
        NotifyBuilder posted = postsDone(reference, group);
        JsonNode r = invoke(Map.of("payload", request(reference, group)));
        assertEquals(202, r.get("StatusCode").asInt(), r::toString);
        assertEquals("", r.get("Payload").asText());
        // the request id Lambda answers is the SQS message id, under which the queue consumer processes it
        String requestId = r.get("RequestId").asText();
        assertTrue(requestId.matches("[0-9a-f-]{36}"), requestId);
        assertDone(posted, Duration.ofSeconds(90), "both posts through faces-post-encodings");
        assertNotNull(steps.finished(requestId), "request " + requestId + " finished with its last post");
        assertEquals(2, steps.finished(requestId).succeededCount(), () -> steps.finished(requestId).outcomes().toString());
        FakeFaceApi.Target ref = api.target("reference", reference.pk);
        assertEquals("done", ref.state);
        assertEquals(1, ref.encodings.size());
        assertEquals(128, ref.encodings.get(0).length);
        assertEquals(6, api.target("photo", group.pk).encodings.size());
        // the arriving encodings are the model's encodings of that photo: same person as the model sees it directly
        FaceAnalyzer analyzer = p.app.context().getRegistry().lookupByNameAndType("faceAnalyzer", FaceAnalyzer.class);
        float[] direct = analyzer.analyze(imagepipelines.faces.model.FaceImageDecoder
                .decode(resource("/faces/astronaut-1200x900.webp"))).get(0).encoding();
        assertTrue(FaceAnalyzer.distance(direct, ref.encodings.get(0)) < 1e-4,
                "distance " + FaceAnalyzer.distance(direct, ref.encodings.get(0)));
    }

    @Test
    void theAwsSdksLambdaClientSigningContentSha256IsAcceptedToo() throws Exception {
        Src s = expect("reference", "astronaut.webp");
        try (LambdaClient lambda = LambdaClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + p.httpPort))
                .region(Region.of(LocalStack.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY_ID, SECRET)))
                .build()) {
            SdkBytes payload = SdkBytes.fromUtf8String(JSON.writeValueAsString(request(s)));
            NotifyBuilder posted = postsDone(s);
            InvokeResponse r = lambda.invoke(b -> b.functionName("face-encodings-test").invocationType(InvocationType.EVENT)
                    .payload(payload));
            assertEquals(202, r.statusCode());
            assertDone(posted, Duration.ofSeconds(90), "the post through faces-post-encodings");
            assertEquals("done", api.target("reference", s.pk).state);
            LambdaException wrong = org.junit.jupiter.api.Assertions.assertThrows(LambdaException.class,
                    () -> lambda.invoke(b -> b.functionName("face-encodings-test").invocationType(InvocationType.DRY_RUN)
                            .overrideConfiguration(o -> o.credentialsProvider(StaticCredentialsProvider.create(
                                    AwsBasicCredentials.create(KEY_ID, "wrong"))))));
            assertEquals(403, wrong.statusCode());
            assertEquals("InvalidSignatureException", wrong.awsErrorDetails().errorCode());
        }
    }

    @Test
    void dryRunAnswers204AndDoesNothing() throws Exception {
        Src s = expect("photo", "astronaut.webp");
        int photoRequests = api.photoRequests();
        JsonNode r = invoke(Map.of("type", "DryRun", "payload", request(s)));
        assertEquals(204, r.get("StatusCode").asInt(), r::toString);
        Thread.sleep(1500); // no route may run for a dry run, so no completion to wait for
        assertEquals(photoRequests, api.photoRequests());
        assertEquals("awaiting", api.target("photo", s.pk).state);
    }

    @Test
    void wrongUnknownStaleAndMissingSignaturesAre403() throws Exception {
        Src s = expect("photo", "astronaut.webp");
        Map<String, Object> req = request(s);
        assertError(invoke(Map.of("payload", req, "secret", SECRET + "x")), 403, "InvalidSignatureException",
                "signature we calculated does not match");
        assertError(invoke(Map.of("payload", req, "key", "AKIAUNKNOWN000000000")), 403, "UnrecognizedClientException",
                "security token included in the request is invalid");
        assertError(invoke(Map.of("payload", req, "clock_offset_seconds", -360)), 403, "InvalidSignatureException",
                "Signature expired");
        assertError(invoke(Map.of("payload", req, "clock_offset_seconds", 360)), 403, "InvalidSignatureException",
                "Signature not yet current");
        assertError(invoke(Map.of("payload", req, "region", "eu-west-1")), 403, "InvalidSignatureException",
                "region");
        // no signature at all (not something boto3 sends): plain HTTP
        HttpResponse<String> unsigned = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + p.httpPort + "/2015-03-31/functions/face-encodings-test/invocations"))
                .header("X-Amz-Invocation-Type", "Event")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(req))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, unsigned.statusCode());
        assertEquals("MissingAuthenticationTokenException", unsigned.headers().firstValue("x-amzn-ErrorType").orElse(""));
        assertEquals("{\"message\":\"Missing Authentication Token\"}", unsigned.body());
        Thread.sleep(1500); // no route may run for a refused call, so no completion to wait for
        assertEquals("awaiting", api.target("photo", s.pk).state);
        assertTrue(api.posts("photo", s.pk).isEmpty());
    }

    @Test
    void anotherFunctionIs404() throws Exception {
        Src s = expect("photo", "astronaut.webp");
        assertError(invoke(Map.of("payload", request(s), "function",
                "arn:aws:lambda:us-east-1:123456789012:function:something-else")), 404, "ResourceNotFoundException",
                "Function not found: arn:aws:lambda:us-east-1:123456789012:function:something-else");
        assertError(invoke(Map.of("payload", request(s), "function",
                "arn:aws:lambda:us-east-1:999999999999:function:face-encodings-test")), 404, "ResourceNotFoundException",
                "Function not found");
    }

    @Test
    void malformedPayloadsAre400AndNothingIsQueuedWhileEmptySourcesAre202() throws Exception {
        // the queue consumer is stopped so that anything queued stays countable
        p.app.context().getRouteController().stopRoute("faces-intake-sqs");
        Src s = expect("photo", "astronaut.webp");
        NotifyBuilder posted = null;
        try {
            assertEquals(0, queued());
            Map<String, Object> noToken = Map.of("api_url", api.url(), "sources", List.of(Map.of("pk", s.pk,
                    "type", "photo", "photo_url", api.photoUrl("astronaut.webp"))));
            JsonNode r = invoke(Map.of("payload", noToken));
            assertError(r, 400, "InvalidRequestContentException", "sources[0].token must be a string");
            assertEquals("User", r.get("error").get("Type").asText());
            assertError(invoke(Map.of("payload_raw", "{\"api_url\": ")), 400, "InvalidRequestContentException",
                    "not valid JSON");
            assertError(invoke(Map.of("payload", Map.of("api_url", "http://169.254.169.254", "sources",
                    List.of(s.json())))), 400, "InvalidRequestContentException", "api_url");
            // an Event must fit one SQS message
            String big = JSON.writeValueAsString(Map.of("api_url", api.url(), "sources", List.of(s.json()),
                    "padding", "x".repeat(300_000)));
            assertError(invoke(Map.of("payload_raw", big)), 413, "RequestTooLargeException",
                    "smaller than 262144 bytes");
            // a form body would be parsed into fields by the HTTP layer: refused before the signature
            HttpResponse<String> form = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + p.httpPort + "/2015-03-31/functions/face-encodings-test/invocations"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("api_url=x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(415, form.statusCode());
            assertEquals("UnsupportedMediaTypeException", form.headers().firstValue("x-amzn-ErrorType").orElse(""));
            // the Lambda accepted an empty list and did nothing: 202, nothing queued
            JsonNode empty = invoke(Map.of("payload", Map.of("api_url", api.url(), "sources", List.of())));
            assertEquals(202, empty.get("StatusCode").asInt(), empty::toString);
            assertEquals(0, queued());
            // the same count sees a valid request arrive (the check above can fail)
            JsonNode ok = invoke(Map.of("payload", request(s)));
            assertEquals(202, ok.get("StatusCode").asInt(), ok::toString);
            assertEquals(1, queued());
            posted = postsDone(s);
        } finally {
            p.app.context().getRouteController().startRoute("faces-intake-sqs");
        }
        assertDone(posted, Duration.ofSeconds(60), "the queued request's post through faces-post-encodings");
        assertEquals("done", api.target("photo", s.pk).state);
    }

    @Test
    void requestResponseProcessesAndAnswers200WithTheOutcomes() throws Exception {
        Src s = expect("photo", "astronaut.webp");
        JsonNode r = invoke(Map.of("type", "RequestResponse", "payload", request(s)));
        assertEquals(200, r.get("StatusCode").asInt(), r::toString);
        JsonNode payload = JSON.readTree(r.get("Payload").asText());
        assertEquals(1, payload.get("succeeded").asInt(), payload::toString);
        assertEquals(1, payload.get("outcomes").get(0).get("faces").asInt(), payload::toString);
        assertEquals("done", api.target("photo", s.pk).state);
        assertTrue(!r.get("Payload").asText().contains(s.token), "no token in the answer");
    }
}
