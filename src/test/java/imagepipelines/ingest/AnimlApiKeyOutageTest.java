package imagepipelines.ingest;

import static imagepipelines.testsupport.TestPipelines.DEADLETTER;
import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.SERVING;
import static imagepipelines.testsupport.TestPipelines.await;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import imagepipelines.local.FakeAnimlApi;
import imagepipelines.local.LocalStack;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused Animl API key is an outage, not a bad image (CONTRACTS §1 production facts): with the stand-in answering
 * as the real API gateway does (HTTP 403 {"message":"Forbidden"}) or as the API's own key lookup does (HTTP 500
 * with GraphQL errors), uploads stay in the ingestion bucket, nothing is dead-lettered, readiness is DOWN with the
 * reason and the refusals are counted; once the key is accepted the uploads go through and readiness is UP again.
 */
class AnimlApiKeyOutageTest {

    static final byte[] IMAGE = resource("/camera-trap/reconyx_hc550_small.jpg");
    static final Duration WAIT = Duration.ofSeconds(60);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static TestPipelines p;

    @BeforeAll
    static void start() throws Exception {
        p = TestPipelines.start(dir, Map.of("ingest.retry.max", "2", "bulk.track.period-ms", "300"));
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    @AfterEach
    void clean() {
        p.api().acceptKey(LocalStack.API_KEY);
        p.api().failKeyLookup(false);
        await("readiness UP", WAIT, () -> readiness().statusCode() == 200);
        p.deleteObjects(k -> true, INGESTION, SERVING, DEADLETTER);
        p.api().reset();
    }

    @Test
    void aKeyTheGatewayRefusesKeepsTheUploadAndMarksReadinessDown() throws Exception {
        double before = rejectedKeyCount();
        p.api().acceptKey("a-rotated-key"); // ours no longer passes the gateway
        p.put(INGESTION, "cam/gateway.jpg", IMAGE);

        await("refused calls", WAIT, () -> p.api().calls().stream().filter(c -> c.status() == 403).count() >= 3);
        assertTrue(p.api().calls().stream().filter(c -> c.status() == 403)
                .allMatch(c -> FakeAnimlApi.GATEWAY_FORBIDDEN.equals(c.response())), "the gateway's own answer");
        HttpResponse<String> ready = readiness();
        assertEquals(503, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("animl-api-key"), ready.body());
        assertTrue(ready.body().contains("HTTP 403"), ready.body());
        assertTrue(ready.body().contains("ANIML_API_SECRET"), ready.body());
        assertFalse(ready.body().contains(LocalStack.API_KEY), "the key itself is never shown");
        assertTrue(rejectedKeyCount() >= before + 3, "animl_api_rejected_key_total counts each refusal");
        // after the retries too, the upload stays where it is and nothing is dead-lettered
        Thread.sleep(1500);
        assertEquals(List.of("cam/gateway.jpg"), p.keys(INGESTION));
        assertEquals(List.of(), p.keys(DEADLETTER));
        assertEquals(List.of(), p.keys(SERVING));
        assertTrue(p.api().images().isEmpty());

        p.api().acceptKey(LocalStack.API_KEY); // the key is fixed
        await("ingested", WAIT, () -> p.keys(INGESTION).isEmpty() && p.keys(SERVING).size() == 3);
        assertEquals(List.of(), p.keys(DEADLETTER));
        assertEquals(200, readiness().statusCode(), readiness().body());
    }

    @Test
    void aKeyTheApisOwnLookupRefusesIsTreatedTheSame() throws Exception {
        p.api().failKeyLookup(true); // passes the gateway, fails the API's lookup: HTTP 500 with GraphQL errors
        p.put(INGESTION, "cam/lookup.jpg", IMAGE);

        await("readiness DOWN", WAIT, () -> readiness().statusCode() == 503);
        assertTrue(readiness().body().contains("HTTP 500"), readiness().body());
        assertTrue(p.api().calls().stream().anyMatch(c -> c.status() == 500 && c.response().contains("errors")));
        Thread.sleep(1000);
        assertEquals(List.of("cam/lookup.jpg"), p.keys(INGESTION));
        assertEquals(List.of(), p.keys(DEADLETTER));

        p.api().failKeyLookup(false);
        await("ingested", WAIT, () -> p.keys(INGESTION).isEmpty() && p.keys(SERVING).size() == 3);
        assertEquals(200, readiness().statusCode());
    }

    @Test
    void aBulkUploadWaitsForTheKeyLikeAnImage() throws Exception {
        String batch = "batch-" + UUID.randomUUID();
        p.api().acceptKey("a-rotated-key");
        p.put(INGESTION, batch + ".zip", zip("site/a.jpg", IMAGE));

        await("readiness DOWN", WAIT, () -> readiness().statusCode() == 503);
        Thread.sleep(1000);
        // updateBatch {total, uploadComplete} was refused: nothing extracted, the zip kept, no batch error
        assertEquals(List.of(batch + ".zip"), p.keys(INGESTION));
        assertEquals(List.of(), p.keys(DEADLETTER).stream().filter(k -> !k.startsWith("_control/")).toList());
        assertTrue(p.api().batchErrors().isEmpty());

        p.api().acceptKey(LocalStack.API_KEY);
        await("batch ingested", WAIT, () -> p.keys(SERVING).size() == 3 && p.keys(INGESTION).isEmpty());
        assertEquals(1, ((Number) p.api().batches().get(batch).get("total")).intValue());
        assertTrue(p.api().batchErrors().isEmpty());
        assertEquals(200, readiness().statusCode());
        // the batch's closed record is written after its last image: waiting for it here keeps it from landing in
        // the dead-letter bucket after clean() and failing the next test's "nothing dead-lettered" (seen in CI)
        await("batch closed", WAIT, () -> p.keys(DEADLETTER).contains("_control/bulk-batches/closed/" + batch + ".json"));
    }

    static HttpResponse<String> readiness() {
        return get("/observe/health/ready");
    }

    static double rejectedKeyCount() {
        Matcher m = Pattern.compile("(?m)^animl_api_rejected_key_total(\\{[^}]*})? ([0-9.eE+]+)$")
                .matcher(get("/observe/metrics").body());
        return m.find() ? Double.parseDouble(m.group(2)) : 0;
    }

    static HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.httpPort + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] zip(String name, byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(data);
            z.closeEntry();
        }
        return out.toByteArray();
    }
}
