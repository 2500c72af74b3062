package imagepipelines.ingest;

import static imagepipelines.testsupport.TestPipelines.DEADLETTER;
import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.SERVING;
import static imagepipelines.testsupport.TestPipelines.assertDone;
import static imagepipelines.testsupport.TestPipelines.await;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import imagepipelines.local.FakeAnimlApi;
import imagepipelines.testsupport.TestPipelines;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real images through the real routes: embedded S3, exiftool, libjpeg-turbo and the API stand-in. Camel's
 * NotifyBuilder ({@link TestPipelines#whenImagesDone}) says when the routes are done with an upload; the outcome is
 * then read from the buckets and the stand-in's journal.
 */
class IngestRoutesTest {

    @TempDir
    static Path dir;
    static TestPipelines p;

    @BeforeAll
    static void start() throws Exception {
        p = TestPipelines.start(dir, Map.of("animl.api.timeout-seconds", "2"));
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    @BeforeEach
    void clean() {
        p.api().reset();
        p.deleteObjects(k -> true, INGESTION, SERVING, DEADLETTER);
    }

    @Test
    void reconyxImageBecomesOriginalPlusThumbnailsAndARecord() throws Exception {
        byte[] jpg = resource("/camera-trap/reconyx_pc900_professional.jpg");
        NotifyBuilder done = p.whenImagesDone("cam1/reconyx_pc900_professional.JPG");
        p.put(INGESTION, "cam1/reconyx_pc900_professional.JPG", jpg);

        assertDone(done, Duration.ofSeconds(30), "the upload through the ingest routes");
        assertEquals(List.of(), p.keys(INGESTION), "the upload is deleted once its outputs are written");
        List<FakeAnimlApi.Call> calls = p.api().calls("CreateImageRecord");
        assertEquals(1, calls.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> md = (Map<String, Object>) calls.get(0).input().get("md");
        assertEquals("P900HK05277856", md.get("SerialNumber"));
        assertEquals("RECONYX", md.get("Make"));
        assertEquals("2019-09-09T19:06:50.000Z", md.get("DateTimeOriginal"));
        assertEquals("reconyx_pc900_professional.jpg", md.get("FileName"));
        assertEquals("jpg", md.get("FileTypeExtension"));
        assertEquals(1920, ((Number) md.get("ImageWidth")).intValue());
        assertEquals(218883, ((Number) md.get("ImageBytes")).intValue());
        assertEquals(SERVING, md.get("ProdBucket"));

        String id = "default_project:" + ImageRecordBuilder.md5(jpg);
        assertEquals(List.of("medium/" + id + "-medium.jpg", "original/" + id + "-original.jpg",
                "small/" + id + "-small.jpg"), p.keys(SERVING));
        assertTrue(java.util.Arrays.equals(jpg, p.get(SERVING, "original/" + id + "-original.jpg")));
        assertEquals("image/jpeg", p.head(SERVING, "medium/" + id + "-medium.jpg").contentType());
        assertEquals("image/jpeg", p.head(SERVING, "original/" + id + "-original.jpg").contentType());
        BufferedImage medium = ImageIO.read(new ByteArrayInputStream(p.get(SERVING, "medium/" + id + "-medium.jpg")));
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(p.get(SERVING, "small/" + id + "-small.jpg")));
        assertEquals(940, medium.getWidth());
        assertEquals(529, medium.getHeight());
        assertEquals(120, small.getWidth());
        assertEquals(68, small.getHeight());
    }

    static String id(byte[] bytes) {
        return "default_project:" + ImageRecordBuilder.md5(bytes);
    }

    static Map<String, String> deadLetterMetadata(String key) {
        return p.head(DEADLETTER, key).metadata();
    }

    @Test
    void badInputsEndInTheDeadLetterBucketWithAReasonAndTheNextImageStillFlows() throws Exception {
        byte[] good = resource("/camera-trap/reconyx_hc500_night_ir_small.jpg");
        byte[] reconyx = resource("/camera-trap/reconyx_hc550_small.jpg");
        NotifyBuilder done = p.whenImagesDone("bad/empty.jpg", "bad/truncated.jpg", "bad/notes.jpg",
                "bad/huge-header.jpg", "bad/no-exif.jpg", "bad/alpha.png", "good/ok.jpg");
        p.put(INGESTION, "bad/empty.jpg", new byte[0]);
        p.put(INGESTION, "bad/truncated.jpg", TestImages.truncated(reconyx, 0.5));
        p.put(INGESTION, "bad/notes.jpg", "this is not an image\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.put(INGESTION, "bad/huge-header.jpg", TestImages.claimingSize(resource("/camera-trap/bushnell_small.jpg"), 30000, 30000));
        p.put(INGESTION, "bad/no-exif.jpg", TestImages.withoutExif(reconyx));
        p.put(INGESTION, "bad/alpha.png", TestImages.pngWithAlpha());
        p.put(INGESTION, "bad/readme.txt", "not ingested".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.put(INGESTION, "good/ok.jpg", good);

        assertDone(done, Duration.ofSeconds(60), "seven images through the ingest routes");
        assertEquals(List.of("bad/readme.txt"), p.keys(INGESTION), "only the unsupported file left");
        List<String> dead = p.keys(DEADLETTER);
        assertTrue(dead.contains("CORRUPTED_IMAGE_FILE/UNKNOWN_ID/bad/empty.jpg"), dead.toString());
        assertTrue(dead.contains("CORRUPTED_IMAGE_FILE/UNKNOWN_ID/bad/truncated.jpg"), dead.toString());
        assertTrue(dead.contains("CORRUPTED_IMAGE_FILE/UNKNOWN_ID/bad/notes.jpg"), dead.toString());
        assertTrue(dead.contains("CORRUPTED_IMAGE_FILE/UNKNOWN_ID/bad/huge-header.jpg"), dead.toString());
        assertTrue(dead.contains("UNKNOWN_SERIAL_NUMBER/" + id(TestImages.withoutExif(reconyx)) + "/bad/no-exif.jpg"), dead.toString());
        assertTrue(dead.contains("UNKNOWN_SERIAL_NUMBER/" + id(TestImages.pngWithAlpha()) + "/bad/alpha.png"), dead.toString());
        assertEquals(6, dead.size(), dead.toString());

        assertTrue(deadLetterMetadata("CORRUPTED_IMAGE_FILE/UNKNOWN_ID/bad/empty.jpg").get("error-reason").contains("empty"));
        assertTrue(deadLetterMetadata("CORRUPTED_IMAGE_FILE/UNKNOWN_ID/bad/truncated.jpg").get("error-reason").contains("truncated"));
        assertTrue(deadLetterMetadata("CORRUPTED_IMAGE_FILE/UNKNOWN_ID/bad/huge-header.jpg").get("error-reason").contains("30000x30000"));
        assertEquals("bad%2Fnotes.jpg", deadLetterMetadata("CORRUPTED_IMAGE_FILE/UNKNOWN_ID/bad/notes.jpg").get("source-key"));
        // the copy is the upload, byte for byte
        assertTrue(java.util.Arrays.equals(TestImages.truncated(reconyx, 0.5),
                p.get(DEADLETTER, "CORRUPTED_IMAGE_FILE/UNKNOWN_ID/bad/truncated.jpg")));
        // the PNG was decoded fine (size known, no decode error): the API refused it for its missing serial
        @SuppressWarnings("unchecked")
        Map<String, Object> pngMd = (Map<String, Object>) p.api().calls("CreateImageRecord").stream()
                .map(c -> (Map<String, Object>) c.input().get("md")).filter(m -> "bad/alpha.png".equals(m.get("Key")))
                .findFirst().orElseThrow();
        assertEquals("image/png", pngMd.get("MIMEType"));
        assertEquals(1600, ((Number) pngMd.get("ImageWidth")).intValue());
        assertTrue(((List<?>) pngMd.get("errors")).isEmpty());

        assertEquals(3, p.keys(SERVING).size(), "the good image went through beside the bad ones");
        assertTrue(p.keys(SERVING).contains("original/" + id(good) + "-original.jpg"));
        // corrupt files never reached the API
        assertEquals(3, p.api().calls("CreateImageRecord").size());
    }

    /**
     * Issue 16 item 7: {@code .hidden.jpg} was left in place with a message listing .jpg as accepted. Hidden files
     * are skipped as in bulk zips (CONTRACTS counts "not hidden" files), left in place, and the log says why.
     */
    @Test
    void aHiddenImageIsLeftInPlaceAndTheLogSaysWhy() throws Exception {
        byte[] jpg = resource("/camera-trap/reconyx_hc550_small.jpg");
        List<String> keys = List.of("cam/.hidden.jpg", "cam/.thumbs/IMG_0001.jpg", "cam/notes.txt");
        // lines about these keys only: the embedded S3 server writes a PUT to a temporary "<key>-<uuid>" file, which
        // a listing during the PUT can show (and which is skipped too); real S3 lists no such object
        java.util.function.Predicate<String> aboutTheKeys = l -> l.contains("imagepipelines.ingest.skipped")
                && keys.stream().anyMatch(k -> l.contains("/" + k + " ") || l.contains("/" + k + ":"));
        try (imagepipelines.testsupport.LogCapture log = new imagepipelines.testsupport.LogCapture()) {
            NotifyBuilder listed = p.whenImagesDone(keys.toArray(String[]::new));
            p.put(INGESTION, "cam/.hidden.jpg", jpg);
            p.put(INGESTION, "cam/.thumbs/IMG_0001.jpg", jpg);
            p.put(INGESTION, "cam/notes.txt", "x".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertDone(listed, Duration.ofSeconds(30), "the three keys through the poller");
            assertEquals(3, log.lines().stream().filter(aboutTheKeys).count(), log.lines().toString());
            List<String> skipped = log.lines().stream().filter(aboutTheKeys).toList();
            for (String key : List.of("cam/.hidden.jpg", "cam/.thumbs/IMG_0001.jpg")) {
                String line = skipped.stream().filter(l -> l.contains("/" + key + " ")).findFirst().orElseThrow();
                assertTrue(line.startsWith("WARN") && line.contains("is a hidden file") && !line.contains("accepted"), line);
            }
            String txt = skipped.stream().filter(l -> l.contains("/cam/notes.txt:")).findFirst().orElseThrow();
            assertTrue(txt.contains("not an image type") && txt.contains("accepted: .jpg"), txt);
            // listed again: reported once, never taken
            assertDone(p.whenImagesDone(keys.toArray(String[]::new)), Duration.ofSeconds(30), "another listing");
            assertEquals(3, log.lines().stream().filter(aboutTheKeys).count());
        }
        assertEquals(keys, p.keys(INGESTION));
        assertTrue(p.api().calls().isEmpty());
        assertTrue(p.keys(DEADLETTER).isEmpty());
    }

    @Test
    void keysWithSpacesAndUnicodeAreIngested() throws Exception {
        byte[] jpg = resource("/camera-trap/reconyx_hf2_serialA_1.jpg");
        String key = "Site Ünïcødé/камера 1/Foto Ñandú 01.JPEG";
        NotifyBuilder done = p.whenImagesDone(key);
        p.put(INGESTION, key, jpg);
        assertDone(done, Duration.ofSeconds(30), "the upload through the ingest routes");
        assertEquals(3, p.keys(SERVING).size(), p.keys(SERVING).toString());
        assertEquals(List.of(), p.keys(INGESTION));
        @SuppressWarnings("unchecked")
        Map<String, Object> md = (Map<String, Object>) p.api().calls("CreateImageRecord").get(0).input().get("md");
        assertEquals(key, md.get("Key"));
        assertEquals("Foto Ñandú 01.jpeg", md.get("FileName"));
        assertEquals("HLPXEL09019291", md.get("SerialNumber"));
    }

    @Test
    void theSameUploadTwiceGivesTheSameIdAndNoDuplicateOutputs() throws Exception {
        byte[] jpg = resource("/camera-trap/reconyx_hf2_pro_covert.jpg");
        NotifyBuilder first = p.whenImagesDone("twice/a.jpg");
        p.put(INGESTION, "twice/a.jpg", jpg);
        assertDone(first, Duration.ofSeconds(30), "first upload processed");
        assertEquals(List.of(), p.keys(INGESTION));
        assertEquals(3, p.keys(SERVING).size(), p.keys(SERVING).toString());
        List<String> serving = p.keys(SERVING);
        NotifyBuilder second = p.whenImagesDone("twice/a.jpg");
        p.put(INGESTION, "twice/a.jpg", jpg);
        assertDone(second, Duration.ofSeconds(30), "second upload processed");
        assertEquals(List.of(), p.keys(INGESTION));
        assertEquals(serving, p.keys(SERVING));
        assertEquals(List.of("DUPLICATE_IMAGE/" + id(jpg) + "/twice/a.jpg"), p.keys(DEADLETTER));
        var calls = p.api().calls("CreateImageRecord");
        assertEquals(2, calls.size());
        assertTrue(calls.get(1).response().contains(id(jpg)));
        assertTrue(calls.get(1).response().contains("E11000"));
    }

    @Test
    void aRefusedBatchImageIsRecordedWithCreateImageErrorUsingOnlyTheContractFields() throws Exception {
        byte[] jpg = resource("/camera-trap/bushnell_small.jpg"); // no serial number: the API refuses it
        String batch = "batch-6f1c1a9e-3b2d-4c5e-8f7a-9b0c1d2e3f40";
        NotifyBuilder done = p.whenImagesDone(batch + "/site 1/IMG_0001.JPG");
        p.put(INGESTION, batch + "/site 1/IMG_0001.JPG", jpg);
        assertDone(done, Duration.ofSeconds(30), "the upload through the ingest routes");
        assertEquals(List.of(), p.keys(INGESTION), "dead-lettered, then deleted");
        assertEquals(List.of("UNKNOWN_SERIAL_NUMBER/" + id(jpg) + "/" + batch + "/site 1/IMG_0001.JPG"), p.keys(DEADLETTER));
        var calls = p.api().calls("CreateImageError");
        assertEquals(1, calls.size());
        assertEquals(200, calls.get(0).status(), calls.get(0).response());
        assertEquals(Map.of("error", "the API refused the image: Unknown Serial Number", "image", id(jpg), "batch", batch),
                calls.get(0).input());
        @SuppressWarnings("unchecked")
        Map<String, Object> md = (Map<String, Object>) p.api().calls("CreateImageRecord").get(0).input().get("md");
        assertEquals(batch, md.get("batchId"));
        assertEquals("site 1/IMG_0001.JPG", md.get("Path"));
    }

    @Test
    void aWirelessImageGetsNoCreateImageError() throws Exception {
        NotifyBuilder done = p.whenImagesDone("wireless/bushnell.jpg");
        p.put(INGESTION, "wireless/bushnell.jpg", resource("/camera-trap/bushnell_small.jpg"));
        assertDone(done, Duration.ofSeconds(30), "the upload through the ingest routes");
        assertEquals(List.of(), p.keys(INGESTION), "dead-lettered, then deleted");
        assertEquals(1, p.keys(DEADLETTER).size());
        assertTrue(p.api().calls("CreateImageError").isEmpty());
    }

    @Test
    void aTransientApiFailureIsRetriedAndLosesNothing() throws Exception {
        byte[] jpg = resource("/camera-trap/reconyx_hc500_no_exif_make.jpg");
        p.api().failNext(2, 503);
        NotifyBuilder done = p.whenImagesDone("flaky/a.jpg");
        p.put(INGESTION, "flaky/a.jpg", jpg);
        assertDone(done, Duration.ofSeconds(30), "processed after retries");
        assertEquals(3, p.keys(SERVING).size(), p.keys(SERVING).toString());
        assertEquals(List.of(), p.keys(INGESTION));
        var calls = p.api().calls("CreateImageRecord");
        assertEquals(List.of(503, 503, 200), calls.stream().map(FakeAnimlApi.Call::status).toList());
        assertTrue(p.keys(DEADLETTER).isEmpty());
    }

    @Test
    void anApiThatStaysDownLeavesTheUploadInPlaceUntilItIsBack() throws Exception {
        byte[] jpg = resource("/camera-trap/reconyx_hc550_small.jpg");
        p.api().failNext(1_000, 500);
        NotifyBuilder twoTries = p.whenTriesDone("down/a.jpg", 2);
        p.put(INGESTION, "down/a.jpg", jpg);
        assertDone(twoTries, Duration.ofSeconds(30), "two tries at the upload");
        assertTrue(p.api().calls("CreateImageRecord").size() > 2, "each try retried the call");
        assertEquals(List.of("down/a.jpg"), p.keys(INGESTION), "kept for a later try");
        assertTrue(p.keys(DEADLETTER).isEmpty(), "an outage is not the image's fault");
        NotifyBuilder stored = p.whenImageFinished("down/a.jpg");
        p.api().failNext(0, 500);
        // a try that began before the API came back may still be left in place: the first that deletes it counts
        assertDone(stored, Duration.ofSeconds(30), "the upload once the API is back");
        assertEquals(3, p.keys(SERVING).size(), p.keys(SERVING).toString());
        assertEquals(List.of(), p.keys(INGESTION));
    }

    @Test
    void anApiThatDoesNotAnswerInTimeIsRetried() throws Exception {
        byte[] jpg = resource("/camera-trap/reconyx_hc500_night_ir_small.jpg");
        p.api().delayNext(1, 4_000); // longer than the 2 s client time-out of this test
        NotifyBuilder done = p.whenImagesDone("slow/a.jpg");
        p.put(INGESTION, "slow/a.jpg", jpg);
        assertDone(done, Duration.ofSeconds(40), "processed after the time-out");
        assertEquals(3, p.keys(SERVING).size(), p.keys(SERVING).toString());
        assertEquals(List.of(), p.keys(INGESTION));
        assertTrue(p.keys(DEADLETTER).isEmpty());
        // the stand-in journals the held request only when it answers it, 4 s in: wait for it here, or it lands in
        // the next test's journal (aRefusedBatchImage... read that call's md)
        await("the held request answered too", Duration.ofSeconds(10),
                () -> p.api().calls("CreateImageRecord").size() == 2);
    }
}
