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
}
