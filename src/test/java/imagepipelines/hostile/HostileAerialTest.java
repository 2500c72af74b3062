package imagepipelines.hostile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.local.EmbeddedPostgres;
import imagepipelines.testsupport.TestPipelines;
import imagepipelines.testsupport.TestRasters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile corpus of the aerial workflow (docs/reliability.md "Hostile input"): GeoTIFF uploads without a CRS,
 * claiming 0x0 or 100,000 x 100,000 pixels in a file of a few kilobytes, truncated, bit-flipped, empty, or not TIFF
 * at all, through the real routes (embedded S3 poller, GDAL, PostGIS). Each must end in an error record
 * ({@code errors/<key>.json}) with a readable reason, or a COG, within the bound; the upload stays as it was; no
 * thread or file-descriptor leak.
 */
class HostileAerialTest {

    static final String BUCKET = "historic-aerials-test";
    static final String NC = "nc/Hostile/TEST_1960/index/georef/";
    static final String BW = "bw/Hostile/TEST_1960/index/georef/";
    static final long BOUND_MS = 180_000;

    @TempDir
    static Path dir;
    static EmbeddedPostgres pg;
    static TestPipelines p;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.start("aerial", "postgis");
        Map<String, String> o = TestPipelines.aerialSettings(dir, pg);
        // a GDAL step that would work on a 100k x 100k claim must stop at this bound, not run for half an hour
        o.put("aerial.gdal.timeout-seconds", "60");
        p = TestPipelines.start(dir, o);
    }

    @AfterAll
    static void stop() throws Exception {
        TestPipelines.closeAll(p, pg);
    }

    @Test
    void everyHostileGeoTiffEndsInAnErrorRecordOrACogWithoutLeaks() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        byte[] good = Files.readAllBytes(TestRasters.sample(work, TestRasters.BYTE_UTM11));
        p.put(BUCKET, BW + "warmup.tif", good);
        p.put(BUCKET, BW + "warmup-2.tif", good); // aerial.workers = 2: both at work before the baseline
        TestPipelines.await("warm-up COGs", Duration.ofSeconds(120), () -> has(cog(BW + "warmup.tif"))
                && has(cog(BW + "warmup-2.tif")));
        ResourceProbe before = ResourceProbe.baseline();

        // a plain GeoTIFF, IFD first and strips after (GDAL's own layout), to patch size tags in
        Path plain = work.resolve("plain.tif");
        TestRasters.run("gdal_translate", "-q", "-co", "TILED=NO", TestRasters.sample(work, TestRasters.BYTE_UTM11)
                .toString(), plain.toString());
        byte[] tif = Files.readAllBytes(plain);

        Map<String, byte[]> uploads = new LinkedHashMap<>();
        OutcomeTable t = new OutcomeTable("aerial: GeoTIFF uploads");
        Predicate<String> record = a -> a.startsWith("error record (");
        put(t, uploads, BW + "control.tif", good, "COG written", a -> a.startsWith("COG written"));
        put(t, uploads, NC + "no-crs.tif", Files.readAllBytes(TestRasters.withoutCrs(work)),
                "error record: no CRS", record.and(a -> a.contains("no coordinate reference system")));
        put(t, uploads, BW + "size-0x0.tif", withSize(tif, 0, 0), "error record with a reason",
                record.and(a -> a.length() > 40));
        put(t, uploads, BW + "claims-100000x100000.tif", withSize(tif, 100_000, 100_000),
                "error record (claim refused, nothing warped)", record.and(a -> a.length() > 40));
        put(t, uploads, BW + "claims-100000x100000-tiny-strip.tif", withSize(tif, 100_000, 100_000, true),
                "error record (claim refused, nothing warped)", record.and(a -> a.length() > 40));
        // real GeoTIFFs that decompress to far more than they hold: 10 gigapixels with no tile written (GDAL reads
        // them as zeros), and 400 megapixels of DEFLATE'd zeros; made by GDAL in well under a second each
        Path sparse = work.resolve("sparse.tif");
        TestRasters.run("gdal_create", "-q", "-of", "GTiff", "-outsize", "100000", "100000", "-bands", "1", "-ot", "Byte",
                "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "SPARSE_OK=TRUE", "-a_srs", "EPSG:32611",
                "-a_ullr", "300000", "4000000", "350000", "3950000", sparse.toString());
        Path zeros = work.resolve("zeros.tif");
        TestRasters.run("gdal_create", "-q", "-of", "GTiff", "-outsize", "20000", "20000", "-bands", "1", "-ot", "Byte",
                "-burn", "0", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-a_srs", "EPSG:32611",
                "-a_ullr", "300000", "4000000", "310000", "3990000", zeros.toString());
        Predicate<String> bomb = record.and(a -> a.contains("aerial-inspect-source") && a.contains("aerial.max-compression-ratio"));
        put(t, uploads, BW + "sparse-100000x100000.tif", Files.readAllBytes(sparse),
                "error record at inspection: ratio past the limit", bomb);
        put(t, uploads, BW + "zeros-20000x20000.tif", Files.readAllBytes(zeros),
                "error record at inspection: ratio past the limit", bomb);
        put(t, uploads, NC + "truncated.tif", Files.readAllBytes(TestRasters.truncated(work, 0.6)),
                "error record: truncated", record.and(a -> a.contains("truncated")));
        put(t, uploads, NC + "truncated-before-ifd.tif", Files.readAllBytes(TestRasters.truncatedBeforeIfd(work, 0.5)),
                "error record with a reason", record);
        put(t, uploads, BW + "zero-length.tif", new byte[0], "error record with a reason", record);
        put(t, uploads, BW + "header-bit-flipped.tif", HostileImages.bitFlipped(tif, 0, 300, 30, 11),
                "error record or COG", a -> record.test(a) || a.startsWith("COG written"));
        put(t, uploads, NC + "corrupt-tiles.tif", Files.readAllBytes(TestRasters.corruptTiles(work)),
                "error record with a reason", record);
        put(t, uploads, NC + "not-a-tiff.tif", Files.readAllBytes(TestRasters.notATiff(work)),
                "error record: not a raster", record.and(a -> a.contains("not a raster GDAL can read")));
        put(t, uploads, NC + "jpeg-named.tif", TestPipelines.resource("/camera-trap/bushnell_small.jpg"),
                "error record with a reason", record);

        t.assertAllWithin(BOUND_MS, before);
        uploads.forEach((k, v) -> assertArrayEquals(v, p.get(BUCKET, k), "the upload is left as it was: " + k));
    }

    static void put(OutcomeTable t, Map<String, byte[]> uploads, String key, byte[] bytes, String expected,
                    Predicate<String> ok) {
        uploads.put(key, bytes);
        p.put(BUCKET, key, bytes);
        t.expect(key.substring(key.indexOf("georef/") + 7), expected, ok, () -> outcome(key));
    }

    static String cog(String key) {
        return key.replace("/georef/", "/cog/");
    }

    static volatile Set<String> keys = Set.of();
    static volatile long listedAt;

    static synchronized boolean has(String key) {
        if (System.currentTimeMillis() - listedAt > 300) {
            keys = Set.copyOf(p.keys(BUCKET));
            listedAt = System.currentTimeMillis();
        }
        return keys.contains(key);
    }

    static String outcome(String key) {
        if (has("errors/" + key + ".json")) {
            try {
                JsonNode r = new ObjectMapper().readTree(p.get(BUCKET, "errors/" + key + ".json"));
                return "error record (" + r.path("stage").asText() + "): " + r.path("reason").asText();
            } catch (Exception e) {
                return null;
            }
        }
        return has(cog(key)) ? "COG written: " + cog(key) : null;
    }

    /**
     * The classic little-endian TIFF with ImageWidth (256) and ImageLength (257) set to {@code w} x {@code h};
     * with {@code oneRowStrip}, RowsPerStrip (278) set to the height too, so the file declares one strip.
     */
    static byte[] withSize(byte[] tif, int w, int h, boolean oneRowStrip) {
        byte[] out = tif.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getShort(0) != 0x4949 || b.getShort(2) != 42) {
            throw new IllegalArgumentException("not a classic little-endian TIFF");
        }
        int ifd = b.getInt(4);
        int n = b.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < n; i++) {
            int e = ifd + 2 + 12 * i;
            int tag = b.getShort(e) & 0xFFFF;
            int value = tag == 256 ? w : tag == 257 || tag == 278 && oneRowStrip ? h : -1;
            if (value >= 0) {
                b.putShort(e + 2, (short) 4); // LONG: a SHORT cannot hold 100,000
                b.putInt(e + 4, 1);
                b.putInt(e + 8, value);
            }
        }
        return out;
    }

    static byte[] withSize(byte[] tif, int w, int h) {
        return withSize(tif, w, h, false);
    }
}
