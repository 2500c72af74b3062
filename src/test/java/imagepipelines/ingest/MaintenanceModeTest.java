package imagepipelines.ingest;

import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.PARKINGLOT;
import static imagepipelines.testsupport.TestPipelines.SERVING;
import static imagepipelines.testsupport.TestPipelines.await;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Maintenance mode switched over HTTP at run time: images are parked, then replayed and ingested once. */
class MaintenanceModeTest {

    @TempDir
    static Path dir;
    static TestPipelines p;

    @BeforeAll
    static void start() throws Exception {
        p = TestPipelines.start(dir, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    @org.junit.jupiter.api.BeforeEach
    void clean() {
        p.api().reset();
        p.deleteObjects(k -> true, SERVING);
    }

    HttpResponse<String> call(String method, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.httpPort + path))
                .header("Authorization", "Bearer " + TestPipelines.OPERATOR_TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void parksDuringMaintenanceAndReplaysAfterwards() throws Exception {
        assertTrue(call("GET", "/maintenance").body().contains("\"maintenance\":false"));
        assertEquals(200, call("PUT", "/maintenance/on").statusCode());
        assertTrue(call("GET", "/maintenance").body().contains("\"maintenance\":true"));

        List<String> keys = List.of("cam/a.jpg", "cam/deep/b.jpg");
        p.put(INGESTION, keys.get(0), resource("/camera-trap/reconyx_hc550_small.jpg"));
        p.put(INGESTION, keys.get(1), resource("/camera-trap/reconyx_pc900_professional.jpg"));
        await("parked", Duration.ofSeconds(30), () -> p.keys(INGESTION).isEmpty()
                && p.keys(PARKINGLOT).containsAll(keys));
        assertTrue(p.keys(SERVING).isEmpty(), "nothing processed while in maintenance");
        assertTrue(p.api().calls().isEmpty(), "the API was not called");

        HttpResponse<String> refused = call("POST", "/maintenance/replay");
        assertEquals(409, refused.statusCode(), "no replay while maintenance is on");
        assertTrue(p.keys(PARKINGLOT).containsAll(keys));

        assertEquals(200, call("PUT", "/maintenance/off").statusCode());
        HttpResponse<String> replay = call("POST", "/maintenance/replay");
        assertEquals(200, replay.statusCode());
        assertTrue(replay.body().contains("\"replayed\":2"), replay.body());
        await("replayed images ingested", Duration.ofSeconds(30),
                () -> p.keys(SERVING).size() == 6 && p.keys(INGESTION).isEmpty());
        assertEquals(List.of(), p.keys(PARKINGLOT));
        assertEquals(2, p.api().calls("CreateImageRecord").size(), "each image ingested exactly once");
    }

    /**
     * Issue 16 item 1, parking lot: the same key uploaded twice with different bytes while maintenance lasts used to
     * keep only the second. Both are parked (the second beside the first), both are replayed and ingested.
     */
    @Test
    void twoDifferentUploadsOfOneKeyAreBothParkedAndReplayed() throws Exception {
        assertEquals(200, call("PUT", "/maintenance/on").statusCode());
        try {
            byte[] first = resource("/camera-trap/reconyx_hc550_small.jpg");
            byte[] second = resource("/camera-trap/reconyx_hc500_night_ir_small.jpg");
            p.put(INGESTION, "cam9/IMG_0001.JPG", first);
            await("first parked", Duration.ofSeconds(30), () -> p.keys(INGESTION).isEmpty()
                    && p.keys(PARKINGLOT).contains("cam9/IMG_0001.JPG"));
            // parking the same upload again (a repeated event after a crash) adds nothing
            p.put(INGESTION, "cam9/IMG_0001.JPG", first);
            await("first again", Duration.ofSeconds(30), () -> p.keys(INGESTION).isEmpty());
            assertEquals(List.of("cam9/IMG_0001.JPG"), parked());

            p.put(INGESTION, "cam9/IMG_0001.JPG", second);
            String beside = "cam9/IMG_0001~" + md5(second).substring(0, 12) + ".JPG";
            await("second parked beside", Duration.ofSeconds(30), () -> p.keys(INGESTION).isEmpty()
                    && parked().size() == 2);
            assertEquals(List.of("cam9/IMG_0001.JPG", beside), parked());
            assertTrue(java.util.Arrays.equals(first, p.get(PARKINGLOT, "cam9/IMG_0001.JPG")));
            assertTrue(java.util.Arrays.equals(second, p.get(PARKINGLOT, beside)));
        } finally {
            assertEquals(200, call("PUT", "/maintenance/off").statusCode());
        }
        HttpResponse<String> replay = call("POST", "/maintenance/replay");
        assertTrue(replay.body().contains("\"replayed\":2"), replay.body());
        await("both ingested", Duration.ofSeconds(30), () -> p.keys(SERVING).size() == 6 && p.keys(INGESTION).isEmpty());
        assertEquals(List.of(), parked());
    }

    List<String> parked() {
        return p.keys(PARKINGLOT).stream().filter(k -> k.startsWith("cam9/")).toList();
    }

    static String md5(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
    }

    /**
     * Issue 16 item 7: a body over the server's limit was answered 413 and logged as "ERROR Unhandled exception in
     * router" with no detail. Now: WARN with method, path and size, a JSON answer naming the limit, nothing done.
     */
    @Test
    void aRequestBodyOverTheLimitIsAnswered413AndLoggedAtWarnWithDetail() throws Exception {
        try (imagepipelines.testsupport.LogCapture log = new imagepipelines.testsupport.LogCapture()) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + p.httpPort + "/maintenance/on"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[10 * 1024 * 1024 + 1])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, r.statusCode());
            assertTrue(r.body().contains("at most 10485760 bytes"), r.body());
            await("the warning", Duration.ofSeconds(5), () -> !log.lines(ch.qos.logback.classic.Level.WARN).isEmpty());
            String warn = log.lines(ch.qos.logback.classic.Level.WARN).stream()
                    .filter(l -> l.contains("413")).findFirst().orElseThrow();
            assertTrue(warn.contains("PUT /maintenance/on") && warn.contains("Content-Length 10485761")
                    && warn.contains("limit 10485760"), warn);
            assertEquals(List.of(), log.lines(ch.qos.logback.classic.Level.ERROR));
        }
        assertTrue(call("GET", "/maintenance").body().contains("\"maintenance\":false"), "nothing switched on");
    }
}
