package imagepipelines.aerial;

import static imagepipelines.testsupport.TestPipelines.assertDone;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import imagepipelines.local.EmbeddedPostgres;
import imagepipelines.local.faults.ScratchFs;
import imagepipelines.testsupport.TestPipelines;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An aerial worker whose scratch folder is a real 12 MB file system (a tmpfs; mounting it needs root, as CI has):
 * an upload that can never fit it gets an error record saying so, instead of being retried and redelivered until
 * the queue's DLQ takes it with no reason written anywhere (fault scenario 7a's note, docs/reliability.md); an
 * upload that fits still becomes a COG on the same disk.
 */
class ScratchTooSmallRoutesTest {

    static final String BUCKET = "historic-aerials-test";

    @TempDir
    static Path dir;
    static Path scratch;
    static EmbeddedPostgres pg;
    static TestPipelines p;

    @BeforeAll
    static void start() throws Exception {
        try {
            scratch = ScratchFs.mount(dir.resolve("scratch-12mb"), 12);
        } catch (java.io.IOException e) {
            assumeTrue(false, e.getMessage());
        }
        pg = EmbeddedPostgres.start("aerial", "postgis");
        Map<String, String> o = TestPipelines.aerialSettings(dir, pg);
        o.put("pipelines.scratch-dir", scratch.toString());
        o.put("aerial.source.vsis3", "false");
        p = TestPipelines.start(dir, o);
    }

    @AfterAll
    static void stop() throws Exception {
        TestPipelines.closeAll(p, pg);
        if (scratch != null) {
            ScratchFs.unmount(scratch);
        }
    }

    /** The Landsat sample enlarged by {@code percent}, with {@code options} (e.g. DEFLATE). */
    private static byte[] enlarged(int percent, String... options) throws Exception {
        Path sample = dir.resolve("sample.tif");
        Files.write(sample, TestPipelines.resource("/geotiff/rgb-3band-utm18.tif"));
        Path out = dir.resolve("enlarged-" + percent + ".tif");
        List<String> cmd = new java.util.ArrayList<>(List.of("gdal_translate", "-q", "-outsize", percent + "%",
                percent + "%"));
        for (String o : options) {
            cmd.addAll(List.of("-co", o));
        }
        cmd.addAll(List.of(sample.toString(), out.toString()));
        GdalCommandRunner.Result r = new GdalCommandRunner().run(cmd);
        assertEquals(0, r.exitCode(), r.stderr());
        return Files.readAllBytes(out);
    }

    private static NotifyBuilder done(String key) {
        return p.whenDone("aerial-intake-poll-bucket", e -> e.getProperty("aerialListedKey", String.class), key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> errorRecord(String key) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readValue(p.get(BUCKET, "errors/" + key + ".json"),
                Map.class);
    }

    private static void assertRefused(String key, byte[] bytes, String stage, String what) throws Exception {
        NotifyBuilder done = done(key);
        p.put(BUCKET, key, bytes);
        assertDone(done, Duration.ofSeconds(90), "the upload through the aerial routes");
        assertTrue(p.keys(BUCKET).contains("errors/" + key + ".json"), p.keys(BUCKET).toString());
        Map<String, Object> r = errorRecord(key);
        assertEquals("ScratchTooSmallException", r.get("error"), r.toString());
        assertEquals(stage, r.get("stage"), r.toString());
        String reason = r.get("reason").toString();
        assertTrue(reason.contains(what) && reason.contains("more than the whole scratch disk holds (12 MB"), reason);
        assertTrue(r.get("action").toString().contains("scratch disk larger than"), r.toString());
        assertFalse(p.keys(BUCKET).contains(key.replace("/georef/", "/cog/")), "no COG");
        assertArrayEquals(bytes, p.get(BUCKET, key), "the upload is left as it was");
        try (var left = Files.list(scratch.resolve("aerial"))) {
            assertEquals(0, left.count(), "nothing left in scratch");
        }
    }

    @Test
    void anUploadLargerThanTheWholeScratchDiskGetsAnErrorRecordBeforeItsDownload() throws Exception {
        byte[] big = enlarged(350); // uncompressed, ~21 MB
        assertTrue(big.length > 12 << 20, "larger than the disk: " + big.length);
        assertRefused("nc/Inyo/USDA_1960/frames/georef/19600101_1-0001.tif", big, "aerial-fetch-source",
                "the " + ScratchCapacity.mb(big.length) + " MB download");
    }

    @Test
    void anUploadWhoseWarpCanNeverFitGetsAnErrorRecordInsteadOfRedeliveries() throws Exception {
        byte[] packed = enlarged(300, "COMPRESS=DEFLATE", "PREDICTOR=2"); // fits; its ~15 MB warp cannot
        assertTrue(packed.length < 12 << 20, "the download fits: " + packed.length);
        assertRefused("nc/Inyo/USDA_1960/frames/georef/19600101_1-0002.tif", packed, "aerial-reproject",
                "uncompressed output");
    }

    @Test
    void anUploadThatFitsStillBecomesACogOnTheSameDisk() throws Exception {
        String key = "nc/Inyo/USDA_1960/frames/georef/19600101_1-0003.tif";
        NotifyBuilder done = done(key);
        p.put(BUCKET, key, TestPipelines.resource("/geotiff/rgb-3band-utm18.tif"));
        assertDone(done, Duration.ofSeconds(90), "the upload through the aerial routes");
        assertTrue(p.keys(BUCKET).contains(key.replace("/georef/", "/cog/")), p.keys(BUCKET).toString());
        assertFalse(p.keys(BUCKET).contains("errors/" + key + ".json"));
    }
}
