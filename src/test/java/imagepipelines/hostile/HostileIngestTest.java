package imagepipelines.hostile;

import static imagepipelines.testsupport.TestPipelines.DEADLETTER;
import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.SERVING;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import javax.imageio.ImageIO;

import imagepipelines.local.FakeAnimlApi;
import imagepipelines.testsupport.LogCapture;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile corpus of the camera-trap ingest (docs/reliability.md "Hostile input"), made at test time and driven
 * through the real routes on the embedded stack: single uploads (damaged, lying and absurd JPEG/PNG/TIFF files) and
 * bulk zips (slip paths, links, duplicates, overlaps, bad CRCs, encryption, ZIP64, a 42.zip-style nest, bombs).
 * Every input must end in a recorded outcome (stored; dead letter with a readable reason; refused and left in place
 * with a logged reason; a batch ended with its errors recorded) within the bound, and the JVM must hold no more
 * threads or file descriptors afterwards than before, within {@link ResourceProbe}'s tolerance.
 */
class HostileIngestTest {

    static final byte[] HC550 = resource("/camera-trap/reconyx_hc550_small.jpg");
    static final byte[] PC900 = resource("/camera-trap/reconyx_pc900_professional.jpg");
    /** every input must have its outcome within this bound (the whole corpus runs at once) */
    static final long BOUND_MS = 180_000;
    static final long MAX_UPLOAD_BYTES = 3_000_000;

    @TempDir
    static Path dir;
    static TestPipelines p;
    static LogCapture log;

    @BeforeAll
    static void start() throws Exception {
        log = new LogCapture();
        Map<String, String> o = new LinkedHashMap<>();
        o.put("animl.api.timeout-seconds", "2");
        o.put("ingest.max-upload-bytes", String.valueOf(MAX_UPLOAD_BYTES));
        o.put("bulk.track.period-ms", "300");
        o.put("bulk.max-entry-bytes", "2500000");
        o.put("bulk.max-entries", "40");
        o.put("bulk.max-ratio", "50");
        p = TestPipelines.start(dir, o);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (p != null) {
                p.close();
            }
        } finally {
            log.close();
        }
    }

    @Test
    void everyHostileUploadAndZipEndsInARecordedOutcomeWithoutLeakingThreadsOrFiles() throws Exception {
        warmUp();
        ResourceProbe before = ResourceProbe.baseline();

        OutcomeTable table = new OutcomeTable("ingest: single uploads and bulk zips");
        singleUploads(table);
        bulkZips(table);
        table.assertAllWithin(BOUND_MS, before);
        // nothing hostile was written anywhere but the dead-letter bucket
        assertTrue(snapshot().serving.stream().noneMatch(k -> k.contains("evil")), snapshot().serving.toString());
    }

    /** Good uploads and one good zip first, so the pools reach their working size before the baseline is taken. */
    static void warmUp() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String k = "warmup/img" + i + ".jpg";
            p.put(INGESTION, k, variant(HC550, "warmup" + i));
            keys.add(k);
        }
        String batch = "batch-" + UUID.randomUUID();
        p.put(INGESTION, batch + ".zip", zip(Map.of("a.jpg", variant(HC550, "warm-zip-a"),
                "b.jpg", variant(PC900, "warm-zip-b"))));
        TestPipelines.await("warm-up done", Duration.ofSeconds(90), () -> snapshot().ingestion.isEmpty()
                && batchEnded(batch));
    }

    // ---------------------------------------------------------------------------------------------------------
    // single uploads

    static void singleUploads(OutcomeTable t) throws Exception {
        byte[] jpg = variant(HC550, "hostile-base");
        int scan = HostileImages.scanStart(jpg);
        Predicate<String> corrupted = a -> a.startsWith("dead letter CORRUPTED_IMAGE_FILE:");
        Predicate<String> anyClear = a -> a.startsWith("stored") || a.matches("dead letter [A-Z_]+: .{8,}");
        Predicate<String> deadLetter = a -> a.matches("dead letter [A-Z_]+: .{8,}");

        single(t, "jpeg/zero-length.jpg", new byte[0], "dead letter CORRUPTED_IMAGE_FILE (empty)",
                corrupted.and(a -> a.contains("empty")));
        single(t, "jpeg/truncated-in-scan.jpg", HostileImages.truncated(jpg, scan + (jpg.length - scan) / 3),
                "dead letter CORRUPTED_IMAGE_FILE (truncated)", corrupted.and(a -> a.contains("truncated")));
        single(t, "jpeg/truncated-in-headers.jpg", HostileImages.truncated(jpg, 300),
                "dead letter CORRUPTED_IMAGE_FILE", corrupted);
        for (int seed = 1; seed <= 3; seed++) {
            single(t, "jpeg/bit-flipped-scan-" + seed + ".jpg", HostileImages.bitFlipped(jpg, scan, jpg.length - 2, 40, seed),
                    "stored or dead letter with reason", anyClear);
        }
        for (int seed = 1; seed <= 3; seed++) {
            single(t, "jpeg/bit-flipped-headers-" + seed + ".jpg", HostileImages.bitFlipped(jpg, 2, scan, 24, seed),
                    "stored or dead letter with reason", anyClear);
        }
        single(t, "jpeg/bomb-sof-65500x65500.jpg", HostileImages.claimingSize(jpg, 65500, 65500),
                "dead letter CORRUPTED_IMAGE_FILE (claim refused before decode)",
                corrupted.and(a -> a.contains("65500x65500")));
        single(t, "jpeg/sof-0x0.jpg", HostileImages.claimingSize(jpg, 0, 0), "dead letter CORRUPTED_IMAGE_FILE",
                corrupted);
        single(t, "jpeg/exif-absurd-count-first.jpg", HostileImages.withExifFirst(jpg, HostileImages.exifAbsurdCount()),
                "stored or dead letter with reason", anyClear);
        single(t, "jpeg/exif-absurd-count-only.jpg", HostileImages.withOnlyExif(jpg, HostileImages.exifAbsurdCount()),
                "dead letter with reason (no camera tags left)", deadLetter);
        single(t, "jpeg/exif-offset-loop.jpg", HostileImages.withOnlyExif(jpg, HostileImages.exifOffsetLoop()),
                "dead letter with reason (no camera tags left)", deadLetter);
        byte[] big = java.util.Arrays.copyOf(jpg, (int) MAX_UPLOAD_BYTES + 100_000);
        single(t, "jpeg/over-the-upload-limit.jpg", big, "dead letter (over ingest.max-upload-bytes)",
                deadLetter.and(a -> a.contains("limit")));

        byte[] png = png();
        single(t, "png/zero-length.png", new byte[0], "dead letter CORRUPTED_IMAGE_FILE", corrupted);
        single(t, "png/truncated.png", HostileImages.truncated(png, png.length / 2), "dead letter CORRUPTED_IMAGE_FILE",
                corrupted);
        single(t, "png/bit-flipped.png", HostileImages.bitFlipped(png, 40, png.length - 12, 16, 7),
                "dead letter with reason (PNGs carry no serial)", deadLetter);
        single(t, "png/bomb-100000x100000.png", HostileImages.pngBomb(100_000, 100_000, 1 << 20),
                "dead letter CORRUPTED_IMAGE_FILE (claim refused before decode)",
                corrupted.and(a -> a.contains("100000x100000")));
        single(t, "png/bomb-20000x20000.png", HostileImages.pngBomb(20_000, 20_000, 1 << 20),
                "dead letter CORRUPTED_IMAGE_FILE (claim refused before decode)",
                corrupted.and(a -> a.contains("20000x20000")));
        single(t, "png/ihdr-width-past-2^31.png", HostileImages.pngBomb(0x80000001L, 2, 64),
                "dead letter CORRUPTED_IMAGE_FILE naming the claim", corrupted.and(a -> a.contains("2147483649")));

        byte[] tiff = tiff();
        Predicate<String> leftInPlace = a -> a.startsWith("left in place") && a.contains("not an image type");
        single(t, "tiff/camera.tif", tiff, "left in place, reason logged", leftInPlace);
        single(t, "tiff/zero-length.tif", new byte[0], "left in place, reason logged", leftInPlace);
        single(t, "tiff/truncated.tif", HostileImages.truncated(tiff, tiff.length / 3), "left in place, reason logged",
                leftInPlace);
        single(t, "tiff/renamed-as.jpg", tiff, "dead letter CORRUPTED_IMAGE_FILE (not a JPEG or PNG)",
                corrupted.and(a -> a.contains("not a JPEG or PNG")));
        single(t, "tiff/bit-flipped-renamed-as.png", HostileImages.bitFlipped(tiff, 0, 64, 8, 3),
                "dead letter CORRUPTED_IMAGE_FILE", corrupted);
    }

    static void single(OutcomeTable t, String name, byte[] bytes, String expected, Predicate<String> accepts) {
        String key = "hostile/" + name;
        p.put(INGESTION, key, bytes);
        t.expect(name, expected, accepts, () -> singleOutcome(key, bytes));
    }

    static String singleOutcome(String key, byte[] bytes) {
        Listing s = snapshot();
        String skipped = log.lines().stream().filter(l -> l.contains("imagepipelines.ingest.skipped")
                && l.contains("/" + key + ": ")).findFirst().orElse(null);
        if (s.ingestion.contains(key)) {
            return skipped == null ? null : "left in place, " + skipped.substring(skipped.indexOf(": ") + 2);
        }
        String dead = s.deadLetter.stream().filter(k -> k.endsWith("/" + key) || k.contains("/" + key + "~"))
                .findFirst().orElse(null);
        if (dead != null) {
            String reason = p.head(DEADLETTER, dead).metadata().get("error-reason");
            return "dead letter " + dead.substring(0, dead.indexOf('/')) + ": " + reason;
        }
        String id = "default_project:" + md5(bytes);
        String ext = key.substring(key.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        if (s.serving.containsAll(List.of("original/" + id + "-original." + ext, "medium/" + id + "-medium." + ext,
                "small/" + id + "-small." + ext))) {
            return "stored (original, medium, small)";
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------------------
    // bulk zips

    static void bulkZips(OutcomeTable t) throws Exception {
        Path good = dir.resolve("good.jpg");
        Files.write(good, HC550);
        Path out = Files.createDirectories(dir.resolve("zips"));
        Path script = dir.resolve("make_zips.py");
        Files.write(script, resource("/hostile/make_zips.py"));
        Process proc = new ProcessBuilder("/usr/bin/python3", script.toString(), out.toString(), good.toString())
                .redirectErrorStream(true).start();
        String said = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS) && proc.exitValue() == 0, "make_zips.py: " + said);

        zipInput(t, out, "slip-paths.zip", 1, "path traversal");
        zipInput(t, out, "absolute-paths.zip", 1, "absolute path");
        zipInput(t, out, "symlink-entry.zip", 1, "symbolic link");
        zipInput(t, out, "duplicate-names.zip", 1, "appears twice");
        zipInput(t, out, "overlapping-entries.zip", 0, "overlap");
        zipInput(t, out, "bad-crc.zip", 1, "CRC mismatch");
        zipInput(t, out, "encrypted-entry.zip", 1, "encrypted");
        zipInput(t, out, "zip64-entry.zip", 1, null);
        zipInput(t, out, "nested-42.zip", 0, "nested archives are refused");
        zipInput(t, out, "ratio-bomb.zip", 0, "zip bomb");
        zipInput(t, out, "inflates-past-declared.zip", 1, "inflates past its declared size");
        zipInput(t, out, "zip64-locator-past-file.zip", 0, "zip64 end record points outside the file");
        zipInput(t, out, "truncated.zip", 0, "truncated");
        zipInput(t, out, "zero-length.zip", 0, "empty (0 bytes)");
        zipInput(t, out, "not-a-zip.zip", 0, "not a zip file");
    }

    /** A batch zip: expects {@code stored} images served and, when given, a batch error containing {@code error}. */
    static void zipInput(OutcomeTable t, Path dir, String name, int stored, String error) throws Exception {
        byte[] zip = Files.readAllBytes(dir.resolve(name));
        String batch = "batch-" + UUID.randomUUID();
        p.put(INGESTION, batch + ".zip", zip);
        String expected = "batch ended, " + stored + " stored" + (error == null ? ", no error" : ", error: " + error);
        t.expect("zip/" + name, expected, a -> a.startsWith("batch ended, " + stored + " stored")
                && (error == null ? a.contains("no error") : a.contains(error)), () -> batchOutcome(batch));
    }

    static String batchOutcome(String batch) {
        if (!batchEnded(batch)) {
            return null;
        }
        Listing s = snapshot();
        // the batch ends when its entries are extracted; each image is then ingested on its own: the outcome is
        // final once none of the batch's images waits in the ingestion bucket any more
        if (s.ingestion.stream().anyMatch(k -> k.startsWith(batch + "/"))) {
            return null;
        }
        long stored = p.api().calls("CreateImageRecord").stream()
                .map(c -> (Map<?, ?>) c.input().get("md"))
                .filter(md -> batch.equals(md.get("batchId")))
                .map(md -> (String) md.get("Hash"))
                .filter(hash -> hash != null && s.serving.stream()
                        .anyMatch(k -> k.startsWith("original/") && k.contains(":" + hash + "-original.")))
                .distinct().count();
        List<String> errors = p.api().batchErrors().stream().filter(e -> batch.equals(e.get("batch")))
                .map(e -> (String) e.get("error")).toList();
        boolean kept = s.deadLetter.contains("BAD_ARCHIVE/" + batch + "/" + batch + ".zip");
        return "batch ended, " + stored + " stored" + (errors.isEmpty() ? ", no error" : ", errors: " + errors)
                + (kept ? "; zip kept as BAD_ARCHIVE dead letter" : "");
    }

    static boolean batchEnded(String batch) {
        for (FakeAnimlApi.Call c : p.api().calls("UpdateBatch")) {
            if (batch.equals(c.input().get("_id")) && c.status() == 200 && c.input().containsKey("processingEnd")) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The three buckets' keys, listed at most every 300 ms however many probes ask. */
    record Listing(long at, Set<String> ingestion, Set<String> serving, Set<String> deadLetter) { }

    static volatile Listing last = new Listing(0, Set.of(), Set.of(), Set.of());

    static synchronized Listing snapshot() {
        if (System.currentTimeMillis() - last.at < 300) {
            return last;
        }
        last = new Listing(System.currentTimeMillis(), Set.copyOf(p.keys(INGESTION)), Set.copyOf(p.keys(SERVING)),
                Set.copyOf(p.keys(DEADLETTER)));
        return last;
    }

    static String md5(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] variant(byte[] jpg, String tag) {
        byte[] t = tag.getBytes(StandardCharsets.UTF_8);
        byte[] out = java.util.Arrays.copyOf(jpg, jpg.length + t.length);
        System.arraycopy(t, 0, out, jpg.length, t.length);
        return out;
    }

    static byte[] zip(Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bos)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bos.toByteArray();
    }

    static BufferedImage picture() {
        BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(40, 120, 60));
        g.fillRect(0, 0, 320, 200);
        g.setColor(Color.ORANGE);
        g.fillOval(100, 50, 120, 90);
        g.dispose();
        return img;
    }

    static byte[] png() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(picture(), "png", out);
        return out.toByteArray();
    }

    static byte[] tiff() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(picture(), "tiff", out), "the JDK writes TIFF");
        return out.toByteArray();
    }
}
