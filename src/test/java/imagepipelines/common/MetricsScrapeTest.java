package imagepipelines.common;

import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.DEADLETTER;
import static imagepipelines.testsupport.TestPipelines.PARKINGLOT;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.local.FakeFaceApi;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A demo-sized run of every workflow on the embedded stack (ingest singles, a bulk zip with a bad entry, a parked and
 * replayed image, an aerial GeoTIFF and a key off the layout, a faces request with a failing source and a malformed
 * one), then {@code /observe/metrics} scraped over HTTP: the counters equal what happened, the stage timers, queue
 * gauges, message ages, exiftool and GDAL gauges and the JVM/process binders are there, no tag holds a key, and
 * every metric the Grafana dashboard and the alert rules use (k8s/monitoring/) exists in this real scrape.
 */
class MetricsScrapeTest {

    static final String AERIAL = "historic-aerials-test";
    static final String FACES_QUEUE = "face-encodings-requests-test";
    static final String INGEST_DLQ = "animl-ingest-events-test-dlq";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static TestPipelines p;
    static FakeFaceApi faces;
    static String scrape;
    static long gdalRunningSeen;

    @BeforeAll
    static void run() throws Exception {
        faces = new FakeFaceApi(0);
        faces.photo("astronaut-1face.png", resource("/faces/astronaut-1face.png"));
        faces.photo("cat-0faces.png", resource("/faces/cat-0faces.png"));
        Map<String, String> o = new LinkedHashMap<>();
        o.put("pipelines.workflows", "ingest,aerial,faces");
        o.put("aerial.intake.poll.enabled", "true");
        o.put("aerial.intake.sqs.enabled", "false");
        o.put("aerial.poll.delay-ms", "200");
        o.put("aerial.tile-index.geopackage", dir.resolve("tile-index.gpkg").toString());
        o.put("faces.allowed-hosts", "127.0.0.1");
        o.put("faces.post.rate-per-minute", "60000");
        o.put("faces.warm-up-rounds", "1");
        o.put("faces.retry.max", "1");
        o.put("faces.retry.delay-ms", "50");
        o.put("pipelines.metrics.queue-poll-ms", "300");
        p = TestPipelines.start(dir, o);

        // ingest: two single images, then a bulk zip: two images, one corrupt "image", a hidden file and a text file
        p.put(INGESTION, "cam/a.jpg", resource("/camera-trap/reconyx_hc500_night_ir_small.jpg"));
        p.put(INGESTION, "cam/b.jpg", resource("/camera-trap/reconyx_hc550_small.jpg"));
        String batch = "batch-" + UUID.randomUUID();
        p.put(INGESTION, batch + ".zip", zip(Map.of(
                "cam/c.jpg", resource("/camera-trap/reconyx_hf2_serialA_1.jpg"),
                "cam/d.jpg", resource("/camera-trap/reconyx_pc900_professional.jpg"),
                "cam/broken.jpg", "not a jpeg\n".getBytes(StandardCharsets.UTF_8),
                "cam/.DS_Store", new byte[] {0, 1, 2},
                "readme.txt", "cameras 1-2\n".getBytes(StandardCharsets.UTF_8))));
        await("ingest done: 4 stored, 1 dead-lettered", Duration.ofSeconds(120), () -> p.keys(INGESTION).isEmpty()
                && p.keys(SERVING).size() == 12 && p.keys(DEADLETTER).stream().anyMatch(k -> k.endsWith("broken.jpg")));

        // maintenance: one image parked, then replayed and stored
        assertEquals(200, call("PUT", "/maintenance/on").statusCode());
        p.put(INGESTION, "cam/e.jpg", resource("/camera-trap/reconyx_hf2_pro_covert.jpg"));
        await("parked", Duration.ofSeconds(30), () -> p.keys(PARKINGLOT).contains("cam/e.jpg"));
        assertEquals(200, call("PUT", "/maintenance/off").statusCode());
        assertEquals(200, call("POST", "/maintenance/replay").statusCode());
        await("replayed and stored", Duration.ofSeconds(60), () -> p.keys(SERVING).size() == 15);

        // aerial: one GeoTIFF to a COG (GDAL gauge sampled while it runs), one key off the layout
        String cog = "nc/Suffolk/USDA_1962/mosaic/cog/rgb-3band-utm18.tif";
        p.put(AERIAL, "nc/Suffolk/USDA_1962/mosaic/georef/rgb-3band-utm18.tif", resource("/geotiff/rgb-3band-utm18.tif"));
        p.put(AERIAL, "misc/upload.tif", resource("/geotiff/byte-1band-utm11.tif"));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!(p.keys(AERIAL).contains(cog) && p.keys(AERIAL).contains("errors/misc/upload.tif.json"))) {
            assertTrue(System.nanoTime() < deadline, "aerial: COG and error record in time; " + p.keys(AERIAL));
            gdalRunningSeen = Math.max(gdalRunningSeen, (long) value(call("GET", "/observe/metrics").body(),
                    "pipelines_gdal_processes_running", Map.of()));
            Thread.sleep(20);
        }

        // faces: a request on the queue with three sources (one photo missing), and a malformed one
        String queueUrl = p.stack.sqs().getQueueUrl(r -> r.queueName(FACES_QUEUE)).queueUrl();
        String request = JSON.writeValueAsString(Map.of("api_url", faces.url(), "sources", List.of(
                source(faces, 1, "reference", "astronaut-1face.png"),
                source(faces, 2, "photo", "cat-0faces.png"),
                source(faces, 3, "photo", "missing.png"))));
        p.stack.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(request));
        p.stack.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"api_url\": 7}"));
        await("two encodings accepted", Duration.ofSeconds(120), () -> faces.accepted().size() == 2);

        // two messages nobody consumes: the ingest queue's DLQ is not empty
        String dlq = p.stack.sqs().getQueueUrl(r -> r.queueName(INGEST_DLQ)).queueUrl();
        p.stack.sqs().sendMessage(r -> r.queueUrl(dlq).messageBody("{\"lost\": 1}"));
        p.stack.sqs().sendMessage(r -> r.queueUrl(dlq).messageBody("{\"lost\": 2}"));
        await("DLQ backlog polled", Duration.ofSeconds(20), () -> value(uncheckedScrape(), "pipelines_queue_messages",
                Map.of("queue", INGEST_DLQ, "state", "visible")) == 2);
        await("faces post outcome counted", Duration.ofSeconds(20), () -> outcomes(uncheckedScrape())
                .getOrDefault("faces/post-encodings/posted/none", 0) == 2);

        HttpResponse<String> r = call("GET", "/observe/metrics");
        assertEquals(200, r.statusCode());
        scrape = r.body();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "metrics-scrape.txt"), scrape);
    }

    @AfterAll
    static void stop() throws Exception {
        TestPipelines.closeAll(p, faces);
    }

    @Test
    void outcomeCountersEqualWhatHappened() {
        Map<String, Integer> expected = new TreeMap<>();
        expected.put("ingest/store-outputs/stored/none", 5);
        expected.put("ingest/dead-letter/dead_lettered/CORRUPTED_IMAGE_FILE", 1);
        expected.put("ingest/park-upload/parked/none", 1);
        expected.put("ingest/replay-parked/replayed/none", 1);
        expected.put("ingest/bulk-split-zip/zip_split/none", 1);
        expected.put("ingest/bulk-split-zip/entry_extracted/none", 3);
        expected.put("ingest/bulk-split-zip/entry_skipped/HIDDEN", 1);
        expected.put("ingest/bulk-split-zip/entry_skipped/NOT_AN_IMAGE", 1);
        // a zip with a file that is not an image is kept in the dead-letter bucket (docs/bulk-uploads.md)
        expected.put("ingest/bulk-keep-zip/zip_dead_lettered/BAD_ARCHIVE", 1);
        expected.put("aerial/store-cog/cog_made/none", 1);
        expected.put("aerial/classify-upload/rejected/INVALID_KEY", 1);
        expected.put("faces/validate-request/request_accepted/none", 1);
        expected.put("faces/validate-request/request_rejected/INVALID_REQUEST", 1);
        expected.put("faces/encode-photo/encoded/none", 2);
        expected.put("faces/download-photo/failed/PHOTO_DOWNLOAD_FAILED", 1);
        expected.put("faces/post-encodings/posted/none", 2);
        assertEquals(expected, outcomes(scrape), lines("pipelines_outcomes_total"));
    }

    @Test
    void stageTimersCountEachStage() {
        assertEquals(5, (int) value(scrape, "pipelines_stage_seconds_count",
                Map.of("workflow", "ingest", "stage", "store-outputs", "outcome", "ok")), lines("pipelines_stage_seconds_count"));
        assertEquals(1, (int) value(scrape, "pipelines_stage_seconds_count",
                Map.of("workflow", "aerial", "stage", "make-cog", "outcome", "ok")), lines("pipelines_stage_seconds_count"));
        assertEquals(2, (int) value(scrape, "pipelines_stage_seconds_count",
                Map.of("workflow", "faces", "stage", "encode-photo", "outcome", "ok")), lines("pipelines_stage_seconds_count"));
        // the intake route of the faces queue: one exchange per message
        assertEquals(2, (int) value(scrape, "pipelines_stage_seconds_count",
                Map.of("workflow", "faces", "stage", "intake-sqs", "outcome", "ok")), lines("pipelines_stage_seconds_count"));
        assertTrue(value(scrape, "pipelines_stage_seconds_sum", Map.of("workflow", "aerial", "stage", "make-cog",
                "outcome", "ok")) > 0);
        assertTrue(scrape.contains("pipelines_stage_seconds_bucket{"), "histogram buckets for p95");
    }

    @Test
    void queueGaugesAndMessageAges() {
        assertEquals(2, (int) value(scrape, "pipelines_queue_messages", Map.of("queue", INGEST_DLQ, "state", "visible")));
        for (String q : List.of("animl-ingest-events-test", "historic-aerials-events-test",
                "historic-aerials-events-test-dlq", FACES_QUEUE, FACES_QUEUE + "-dlq", FACES_QUEUE + "-posts")) {
            assertTrue(scrape.contains("pipelines_queue_messages{queue=\"" + q + "\",state=\"visible\"}"), q);
        }
        // the malformed request went to the faces DLQ with its reason
        assertEquals(1, (int) value(scrape, "pipelines_queue_messages", Map.of("queue", FACES_QUEUE + "-dlq", "state", "visible")));
        // every message the intakes took has its age at receive
        assertEquals(2, (int) value(scrape, "pipelines_queue_message_age_seconds_count", Map.of("queue", FACES_QUEUE)));
        assertEquals(2, (int) value(scrape, "pipelines_queue_message_age_seconds_count", Map.of("queue", FACES_QUEUE + "-posts")));
        assertTrue(value(scrape, "pipelines_queue_message_age_seconds_max", Map.of("queue", FACES_QUEUE)) >= 0);
    }

    @Test
    void exiftoolAndGdalGauges() {
        assertTrue(value(scrape, "pipelines_exiftool_processes", Map.of()) >= 1, lines("pipelines_exiftool"));
        assertEquals(0, value(scrape, "pipelines_exiftool_busy", Map.of()));
        assertEquals(0, value(scrape, "pipelines_gdal_processes_running", Map.of()));
        assertTrue(gdalRunningSeen >= 1, "a GDAL process seen running while the COG was made");
        assertEquals(0, value(scrape, "animl_api_rejected_key_total", Map.of()));
    }

    @Test
    void jvmAndProcessBinders() {
        for (String name : List.of("jvm_memory_used_bytes", "jvm_gc_pause_seconds_count", "jvm_threads_live_threads",
                "jvm_info", "jvm_classes_loaded_classes", "process_cpu_usage", "system_cpu_count", "process_files_open_files",
                "process_uptime_seconds")) {
            assertTrue(MetricNames.of(scrape).contains(name), name + " missing");
        }
    }

    @Test
    void noKeysIdsOrHostsInTags() {
        for (String s : List.of("cam/", "a.jpg", "broken.jpg", "Suffolk", "misc/", "127.0.0.1", "missing.png", "token-")) {
            assertFalse(scrape.lines().filter(l -> l.startsWith("pipelines_")).anyMatch(l -> l.contains(s)), s);
        }
        // batch ids (batch-<uuid>) and image ids (<project>:<md5>) nowhere
        assertFalse(java.util.regex.Pattern.compile("batch-[0-9a-f]{8}|default_project:").matcher(scrape).find());
    }

    @Test
    void everyMetricOfTheDashboardAndTheAlertRulesIsInTheScrape() throws Exception {
        var present = MetricNames.of(scrape);
        var used = new java.util.TreeSet<String>();
        used.addAll(MetricNames.inExpressions(Files.readString(Path.of("k8s/monitoring/grafana-dashboard.json"))));
        used.addAll(MetricNames.inExpressions(Files.readString(Path.of("k8s/monitoring/prometheusrule.yaml"))));
        assertTrue(used.size() >= 8, "names found in the dashboard and rules: " + used);
        var missing = new java.util.TreeSet<>(used);
        missing.removeAll(present);
        assertEquals(new java.util.TreeSet<String>(), missing, "used by k8s/monitoring but not in a real scrape");
    }

    // ---- helpers ----

    static Map<String, Object> source(FakeFaceApi api, long pk, String type, String photo) {
        String token = ("token-" + pk + "-").repeat(8).substring(0, 40);
        api.expect(type, pk, token);
        return Map.of("pk", pk, "type", type, "photo_url", api.photoUrl(photo), "token", token);
    }

    static byte[] zip(Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (var e : new TreeMap<>(entries).entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static HttpResponse<String> call(String method, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.httpPort + path))
                .header("Authorization", "Bearer " + TestPipelines.OPERATOR_TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String uncheckedScrape() {
        try {
            return call("GET", "/observe/metrics").body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** workflow/stage/outcome/error_code -> pipelines_outcomes_total */
    static Map<String, Integer> outcomes(String text) {
        Map<String, Integer> out = new TreeMap<>();
        for (MetricNames.Sample s : MetricNames.samples(text, "pipelines_outcomes_total")) {
            Map<String, String> t = s.tags();
            out.merge(t.get("workflow") + "/" + t.get("stage") + "/" + t.get("outcome") + "/" + t.get("error_code"),
                    (int) s.value(), Integer::sum);
        }
        return out;
    }

    /** The sum of the samples of {@code name} whose tags include {@code tags}; 0 when none. */
    static double value(String text, String name, Map<String, String> tags) {
        return MetricNames.samples(text, name).stream()
                .filter(s -> s.tags().entrySet().containsAll(tags.entrySet())).mapToDouble(MetricNames.Sample::value).sum();
    }

    static String lines(String prefix) {
        return String.join("\n", scrape.lines().filter(l -> l.startsWith(prefix)).toList());
    }
}
