package imagepipelines.ingest;

import static imagepipelines.testsupport.TestPipelines.DEADLETTER;
import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.PARKINGLOT;
import static imagepipelines.testsupport.TestPipelines.SERVING;
import static imagepipelines.testsupport.TestPipelines.await;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After a small run, /observe/metrics counts each upload's outcome once, by outcome and error code, without keys. */
class OutcomeMetricsTest {

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

    /** outcome/error_code -> count of pipelines_outcomes_total for the ingest */
    Map<String, Integer> outcomes(String scrape) {
        Map<String, Integer> out = new TreeMap<>();
        Pattern line = Pattern.compile("^pipelines_outcomes_total\\{(.*)} ([0-9.eE+]+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scrape);
        while (m.find()) {
            Map<String, String> tags = new TreeMap<>();
            Matcher t = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(m.group(1));
            while (t.find()) {
                tags.put(t.group(1), t.group(2));
            }
            if ("ingest".equals(tags.get("workflow"))) {
                out.merge(tags.get("outcome") + "/" + tags.get("error_code"), (int) Double.parseDouble(m.group(2)),
                        Integer::sum);
            }
        }
        return out;
    }

    @Test
    void countsStoredDeadLetteredByCodeAndParked() throws Exception {
        byte[] reconyx = resource("/camera-trap/reconyx_hc550_small.jpg");
        p.put(INGESTION, "cam/good.jpg", resource("/camera-trap/reconyx_hc500_night_ir_small.jpg"));
        p.put(INGESTION, "cam/good2.jpg", reconyx);
        p.put(INGESTION, "bad/empty.jpg", new byte[0]);
        p.put(INGESTION, "bad/notes.jpg", "not an image\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.put(INGESTION, "bad/no-exif.jpg", TestImages.withoutExif(reconyx));
        await("stored and dead-lettered", Duration.ofSeconds(60),
                () -> p.keys(INGESTION).isEmpty() && p.keys(DEADLETTER).size() == 3 && p.keys(SERVING).size() == 6);

        assertEquals(200, call("PUT", "/maintenance/on").statusCode());
        p.put(INGESTION, "cam/later.jpg", reconyx);
        await("parked", Duration.ofSeconds(30), () -> p.keys(PARKINGLOT).contains("cam/later.jpg"));
        assertEquals(200, call("PUT", "/maintenance/off").statusCode());

        HttpResponse<String> scrape = call("GET", "/observe/metrics");
        assertEquals(200, scrape.statusCode());
        Map<String, Integer> expected = new TreeMap<>(Map.of(
                "stored/none", 2,
                "dead_lettered/CORRUPTED_IMAGE_FILE", 2,
                "dead_lettered/UNKNOWN_SERIAL_NUMBER", 1,
                "parked/none", 1));
        assertEquals(expected, outcomes(scrape.body()), scrape.body().lines()
                .filter(l -> l.startsWith("pipelines_")).toList().toString());
        // tags name stages and outcomes, never keys or ids
        assertFalse(scrape.body().contains("good.jpg") || scrape.body().contains("cam/"), "no keys in metrics");
    }
}
