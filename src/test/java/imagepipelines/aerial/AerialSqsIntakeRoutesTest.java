package imagepipelines.aerial;

import static imagepipelines.testsupport.TestPipelines.assertDone;
import static imagepipelines.testsupport.TestPipelines.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import imagepipelines.testsupport.S3Events;
import imagepipelines.testsupport.TestPipelines;
import imagepipelines.testsupport.TestRasters;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production intake (S3 events on SQS, real event JSON: notifications, SNS envelopes, EventBridge events) with the upload downloaded to scratch (the
 * default; AerialRoutesTest reads through /vsis3/) and the GeoPackage tile index (no PostGIS).
 */
class AerialSqsIntakeRoutesTest {

    static final String BUCKET = "historic-aerials-test";
    static final String QUEUE = "historic-aerials-events-test";

    @TempDir
    static Path dir;
    static TestPipelines p;
    static String queueUrl;
    static Path gpkg;

    @BeforeAll
    static void start() throws Exception {
        gpkg = dir.resolve("index/tile-index.gpkg");
        p = TestPipelines.start(dir, Map.of(
                "pipelines.workflows", "aerial",
                "aerial.intake.poll.enabled", "false",
                "aerial.intake.sqs.enabled", "true",
                "aerial.queue.wait-seconds", "1",
                "aerial.source.vsis3", "false",
                "aerial.tile-index.geopackage", gpkg.toString(),
                "aerial.retry.delay-ms", "50",
                "aerial.retry.max-delay-ms", "200"));
        queueUrl = p.stack.sqs().getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        if (p != null) {
            p.close();
        }
    }

    /** Sends an ObjectCreated event for each key and waits until the routes are done with each message. */
    static void notifyAndAwait(String... keys) {
        sendAndAwait(java.util.Arrays.stream(keys).map(k -> event(k, "ObjectCreated:Put")).toArray(String[]::new));
    }

    /**
     * Sends these message bodies and waits, with Camel's NotifyBuilder, until aerial-intake-s3-events is done with a
     * message of each (the route takes a message through the whole pipeline before it completes).
     */
    static void sendAndAwait(String... bodies) {
        NotifyBuilder done = p.whenDone("aerial-intake-s3-events", e -> TestPipelines.isWhole(e)
                ? e.getProperty("sqsReceivedBody", String.class) : null, bodies);
        for (String body : bodies) {
            p.stack.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
        }
        assertDone(done, Duration.ofSeconds(90), bodies.length + " message(s) through aerial-intake-s3-events");
    }

    static String event(String key, String eventName) {
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
        String event = """
            {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-west-2",
              "eventTime":"2026-11-21T08:00:00.000Z","eventName":"%s",
              "s3":{"s3SchemaVersion":"1.0","configurationId":"aerial",
                    "bucket":{"name":"%s","arn":"arn:aws:s3:::%s"},
                    "object":{"key":"%s","size":1234,"eTag":"0123456789abcdef","sequencer":"0055AED6DCD90281E5"}}}]}
            """.formatted(eventName, BUCKET, BUCKET, encoded);
        return event;
    }

    static boolean has(String key) {
        return p.keys(BUCKET).contains(key);
    }

    /** The consumer deletes a message in its on-completion hook, which may run just after the notify matched. */
    static boolean queueEmpty() {
        Map<String, String> a = p.stack.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNamesWithStrings(
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
        return "0".equals(a.get("ApproximateNumberOfMessages")) && "0".equals(a.get("ApproximateNumberOfMessagesNotVisible"));
    }

    @Test
    void eventsDriveTheRoutesWithDownloadedSourcesAndAGeoPackageIndex() throws Exception {
        String src = "nc/San Luis Obispo/USDA_1949/mosaic/georef/Landsat scene+1.tif";
        String cog = "nc/San Luis Obispo/USDA_1949/mosaic/cog/Landsat scene+1.tif";
        byte[] rgb = TestPipelines.resource("/geotiff/" + TestRasters.RGB_UTM18);
        p.put(BUCKET, src, rgb);
        notifyAndAwait(src);
        // mapfiles/<table>.map: one name for the mapfile and the table, spaces as '_' (the original's maintenance
        // job pairs mapfiles and tables by it)
        assertTrue(has(cog) && has("mapfiles/san_luis_obispo_usda_1949_mosaic.map"), p.keys(BUCKET).toString());
        await("queue drained", Duration.ofSeconds(30), AerialSqsIntakeRoutesTest::queueEmpty);
        Path local = dir.resolve("cog.tif");
        Files.write(local, p.get(BUCKET, cog));
        assertTrue(new CogValidator(new GdalCommandRunner()).validate(local).valid());
        assertArrayEquals(rgb, p.get(BUCKET, src));

        GeoPackageTileIndex index = new GeoPackageTileIndex(gpkg);
        List<TileIndexEntry> entries = index.entries("San Luis Obispo_USDA_1949_mosaic");
        assertEquals(1, entries.size());
        assertEquals("Landsat scene+1.tif", entries.get(0).name());
        assertTrue(entries.get(0).location().endsWith("/cog/Landsat%20scene%2B1.tif"), entries.get(0).location());
        String mapKey = "mapfiles/san_luis_obispo_usda_1949_mosaic.map";
        String mapfile = new String(p.get(BUCKET, mapKey), StandardCharsets.UTF_8);
        assertTrue(mapfile.contains("CONNECTIONTYPE OGR"), mapfile);
        assertTrue(mapfile.contains("TILEITEM \"location\""), mapfile);
        assertTrue(mapfile.contains("DATA \"san_luis_obispo_usda_1949_mosaic\""), mapfile);
        try (Stream<Path> s = Files.list(dir.resolve("scratch/aerial"))) {
            assertEquals(0, s.count(), "downloaded source and COG removed");
        }

        // the same event again (S3 delivers at least once): nothing is written again
        var cogHead = p.head(BUCKET, cog);
        notifyAndAwait(src);
        await("queue drained", Duration.ofSeconds(30), AerialSqsIntakeRoutesTest::queueEmpty);
        assertEquals(cogHead.lastModified(), p.head(BUCKET, cog).lastModified());
        assertEquals(1, new GeoPackageTileIndex(gpkg).entries("San Luis Obispo_USDA_1949_mosaic").size());

        // an event for a scan: made public-read, nothing else; an event for our own COG: ignored
        String scan = "nc/San Luis Obispo/USDA_1949/mosaic/scanned/Landsat scene+1.tif";
        p.put(BUCKET, scan, rgb);
        notifyAndAwait(scan, cog);
        await("queue drained", Duration.ofSeconds(30), AerialSqsIntakeRoutesTest::queueEmpty);
        assertTrue(p.s3().getObjectAcl(r -> r.bucket(BUCKET).key(scan)).grants().stream()
                .anyMatch(g -> g.grantee().uri() != null && g.grantee().uri().endsWith("AllUsers")), "public-read");
        assertArrayEquals(rgb, p.get(BUCKET, scan));
        assertFalse(p.keys(BUCKET).stream().anyMatch(k -> k.startsWith("errors/nc/San Luis Obispo")), p.keys(BUCKET).toString());
        assertFalse(has("nc/San Luis Obispo/USDA_1949/mosaic/cog/scanned"));
    }

    @Test
    void scansAnnouncedInEachShapeS3UsesAreHandled() throws Exception {
        // scans are cheap to handle (made public-read, nothing else), so they show each shape's key decoding
        byte[] tif = TestPipelines.resource("/geotiff/" + TestRasters.RGB_UTM18);
        String prefix = "nc/Kern/USDA_1952/frames/scanned/";
        Map<String, String> messages = new java.util.LinkedHashMap<>();
        messages.put(prefix + "sns 1+2.tif", S3Events.sns(S3Events.notification(BUCKET, prefix + "sns 1+2.tif")));
        messages.put(prefix + "eventbridge 1+2.tif", S3Events.eventBridge(BUCKET, prefix + "eventbridge 1+2.tif"));
        messages.keySet().forEach(k -> p.put(BUCKET, k, tif));
        sendAndAwait(messages.values().toArray(String[]::new));
        for (String k : messages.keySet()) {
            assertTrue(p.s3().getObjectAcl(r -> r.bucket(BUCKET).key(k)).grants().stream()
                    .anyMatch(g -> g.grantee().uri() != null && g.grantee().uri().endsWith("AllUsers")), "public-read: " + k);
        }
        await("queue drained", Duration.ofSeconds(30), AerialSqsIntakeRoutesTest::queueEmpty);
        assertFalse(p.keys(BUCKET).stream().anyMatch(k -> k.startsWith("errors/nc/Kern")), p.keys(BUCKET).toString());
    }

    @Test
    void aBadUploadAnnouncedByAnEventGetsItsErrorRecordAndTheMessageIsDeleted() throws Exception {
        String src = "bw/Inyo/USGS_1944/frames/georef/notes.tif";
        p.put(BUCKET, src, "not a tiff\n".getBytes(StandardCharsets.UTF_8));
        notifyAndAwait(src);
        assertTrue(has("errors/" + src + ".json"), p.keys(BUCKET).toString());
        await("queue drained", Duration.ofSeconds(30), AerialSqsIntakeRoutesTest::queueEmpty);
        String record = new String(p.get(BUCKET, "errors/" + src + ".json"), StandardCharsets.UTF_8);
        assertTrue(record.contains("not a raster GDAL can read"), record);
        assertFalse(record.contains(imagepipelines.local.LocalStack.SECRET_KEY));
        assertFalse(has("bw/Inyo/USGS_1944/frames/cog/notes.tif"));
    }

    /** Features in a zipped shapefile of the bucket, read back with OGR. */
    static int zipFeatures(String key) throws Exception {
        Path zip = dir.resolve("ti-" + System.nanoTime() + ".zip");
        Files.write(zip, p.get(BUCKET, key));
        String out = TestRasters.run("ogrinfo", "-ro", "-so", "-al", "/vsizip/" + zip);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Feature Count: (\\d+)").matcher(out);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    @Test
    void theIndexFollowsTheBucketACogPutIntoCogIsIndexedAndADeletedCogLeavesTheIndex() throws Exception {
        String prefix = "nc/Marin/USDA_1970/mosaic/";
        String collection = "Marin_USDA_1970_mosaic";
        String zipKey = prefix + "cog/tile_index/" + collection + "_idx.zip";
        byte[] rgb = TestPipelines.resource("/geotiff/" + TestRasters.RGB_UTM18);
        // through the pipeline
        p.put(BUCKET, prefix + "georef/made.tif", rgb);
        notifyAndAwait(prefix + "georef/made.tif");
        assertTrue(has(prefix + "cog/made.tif") && has(zipKey), p.keys(BUCKET).toString());
        // by hand, straight into cog/ (as the original's sandbox scripts did)
        Path local = dir.resolve("handmade.tif");
        new CogConverter().convert(BandMode.NC, TestRasters.sample(dir, TestRasters.RGB_UTM18), local);
        p.put(BUCKET, prefix + "cog/handmade.tif", Files.readAllBytes(local));
        notifyAndAwait(prefix + "cog/handmade.tif");
        assertEquals(2, new GeoPackageTileIndex(gpkg).entries(collection).size());
        await("queue drained", Duration.ofSeconds(30), AerialSqsIntakeRoutesTest::queueEmpty);
        TileIndexEntry hand = new GeoPackageTileIndex(gpkg).entries(collection).get(0);
        assertEquals("handmade.tif", hand.name());
        assertEquals("EPSG:3857", hand.srcSrs());
        assertEquals("MULTIPLE", hand.date());
        assertEquals(2, zipFeatures(zipKey), "zip with both");
        // the pipeline's own COG announced again: not indexed twice, nothing written
        var zipHead = p.head(BUCKET, zipKey);
        notifyAndAwait(prefix + "cog/made.tif");
        await("queue drained", Duration.ofSeconds(30), AerialSqsIntakeRoutesTest::queueEmpty);
        assertEquals(zipHead.eTag(), p.head(BUCKET, zipKey).eTag());

        // deleted: the row goes, the downloads and the mapfile follow
        p.s3().deleteObject(r -> r.bucket(BUCKET).key(prefix + "cog/handmade.tif"));
        sendAndAwait(event(prefix + "cog/handmade.tif", "ObjectRemoved:Delete"));
        assertEquals(1, new GeoPackageTileIndex(gpkg).entries(collection).size(), "row removed");
        await("queue drained", Duration.ofSeconds(30), AerialSqsIntakeRoutesTest::queueEmpty);
        assertEquals("made.tif", new GeoPackageTileIndex(gpkg).entries(collection).get(0).name());
        assertEquals(1, zipFeatures(zipKey));
        // a removal event for an object that exists again (a later upload) changes nothing
        sendAndAwait(event(prefix + "cog/made.tif", "ObjectRemoved:Delete"));
        await("queue drained", Duration.ofSeconds(30), AerialSqsIntakeRoutesTest::queueEmpty);
        assertEquals(1, new GeoPackageTileIndex(gpkg).entries(collection).size());
        assertFalse(p.keys(BUCKET).stream().anyMatch(k -> k.startsWith("errors/nc/Marin")), p.keys(BUCKET).toString());
    }

    /**
     * Issue 16 item 7: reasons showed the worker's scratch path (/tmp/image-pipelines/aerial/job-.../source/...) and a
     * zero-byte upload was only "not recognized as a supported file format".
     */
    @Test
    void errorReasonsNameTheUploadNotScratchPathsAndAnEmptyFileIsCalledEmpty() throws Exception {
        String empty = "bw/Inyo/USGS_1945/frames/georef/empty.tif";
        String garbage = "bw/Inyo/USGS_1945/frames/georef/garbage.tif";
        // same file name in another collection: error records are per upload key, so each keeps its own (item 1)
        String sameName = "nc/Inyo/USGS_1945/frames/georef/garbage.tif";
        p.put(BUCKET, empty, new byte[0]);
        p.put(BUCKET, garbage, "GIF89a, not a tiff at all".getBytes(StandardCharsets.UTF_8));
        p.put(BUCKET, sameName, "also not a tiff".getBytes(StandardCharsets.UTF_8));
        notifyAndAwait(empty, garbage, sameName);
        assertTrue(has("errors/" + empty + ".json") && has("errors/" + garbage + ".json")
                && has("errors/" + sameName + ".json"), p.keys(BUCKET).toString());
        com.fasterxml.jackson.databind.JsonNode e = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(p.get(BUCKET, "errors/" + empty + ".json"));
        assertTrue(e.path("reason").asText().contains("is empty (0 bytes)"), e.toString());
        assertEquals("aerial-fetch-source", e.path("stage").asText(), e.toString());
        assertEquals(0, e.path("size").asInt(), e.toString());
        com.fasterxml.jackson.databind.JsonNode g = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(p.get(BUCKET, "errors/" + garbage + ".json"));
        String reason = g.path("reason").asText();
        assertTrue(reason.contains("not a raster GDAL can read"), g.toString());
        assertTrue(reason.contains("s3://" + BUCKET + "/" + garbage), reason);
        String scratch = dir.resolve("scratch").toString();
        for (com.fasterxml.jackson.databind.JsonNode r : List.of(e, g)) {
            assertFalse(r.toString().contains(scratch) || r.toString().contains("job-"), r.toString());
        }
        assertArrayEquals(new byte[0], p.get(BUCKET, empty));
    }
}
