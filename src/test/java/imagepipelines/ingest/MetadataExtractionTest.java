package imagepipelines.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sample yields the serial number and capture time that exiftool itself shows, MakerNotes included. */
class MetadataExtractionTest {

    static final ExifToolPool POOL = new ExifToolPool("exiftool", 30_000);
    static final ExifMetadataReader READER = new ExifMetadataReader(POOL);
    static final ImageRecordBuilder BUILDER = new ImageRecordBuilder("serving");

    @AfterAll
    static void close() {
        POOL.close();
    }

    static Stream<Path> samples() throws Exception {
        return Files.list(Path.of("samples/camera-trap")).filter(p -> p.toString().endsWith(".jpg")).sorted();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void serialAndCaptureTimeMatchExiftool(Path sample) throws Exception {
        // the reference: a separate, plain exiftool run with the contract's flags
        Process p = new ProcessBuilder("exiftool", "-G", "-n", "-j", sample.toString()).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Map<String, Object> ref = new ObjectMapper().readValue(json, new TypeReference<List<Map<String, Object>>>() { }).get(0);
        Object refSerial = ref.getOrDefault("MakerNotes:SerialNumber", ref.get("EXIF:SerialNumber"));
        Object refDate = ref.getOrDefault("EXIF:DateTimeOriginal", ref.get("MakerNotes:DateTimeOriginal"));

        byte[] bytes = Files.readAllBytes(sample);
        Map<String, Object> md = BUILDER.build(UploadKey.parse("b", "x/" + sample.getFileName()), bytes, READER.read(sample));
        assertEquals(refSerial == null ? "unknown" : String.valueOf(refSerial), md.get("SerialNumber"));
        String d = String.valueOf(refDate);
        String iso = d.substring(0, 4) + "-" + d.substring(5, 7) + "-" + d.substring(8, 10) + "T" + d.substring(11, 19) + ".000Z";
        assertEquals(iso, md.get("DateTimeOriginal"));
        assertEquals(bytes.length, md.get("ImageBytes"));
        assertTrue(((List<?>) md.get("errors")).isEmpty());
    }

    @Test
    void reconyxWithoutExifMakeIsReportedAsReconyx() throws Exception {
        Path f = Path.of("samples/camera-trap/reconyx_hc500_no_exif_make.jpg");
        Map<String, Object> md = BUILDER.build(UploadKey.parse("b", "k.jpg"), Files.readAllBytes(f), READER.read(f));
        assertEquals("RECONYX", md.get("Make"));
        assertEquals("H500DE01120343", md.get("SerialNumber"));
        assertEquals("2015-05-07T08:08:31.000Z", md.get("DateTimeOriginal"));
        assertEquals(2048, md.get("ImageWidth"));
    }

    @Test
    void bushnellWithoutSerialGetsUnknown() throws Exception {
        Path f = Path.of("samples/camera-trap/bushnell_small.jpg");
        Map<String, Object> md = BUILDER.build(UploadKey.parse("b", "k.jpg"), Files.readAllBytes(f), READER.read(f));
        assertEquals("BUSHNELL", md.get("Make"));
        assertEquals("unknown", md.get("SerialNumber"));
    }

    @Test
    void batchKeysGiveBatchIdAndPath() {
        UploadKey k = UploadKey.parse("b", "batch-0a1b2c3d-1111-2222-3333-444455556666/site A/IMG 01.JPEG");
        assertEquals("batch-0a1b2c3d-1111-2222-3333-444455556666", k.batchId());
        assertEquals("site A/IMG 01.JPEG", k.path());
        assertEquals("IMG 01.jpeg", k.fileName());
        assertTrue(k.isImage());
        assertEquals(null, UploadKey.parse("b", "cam/x.jpg").batchId());
        assertEquals(UploadKey.Kind.UNSUPPORTED, UploadKey.parse("b", "cam/x.tif").kind());
    }

    @Test
    void persistentExiftoolIsReusedAndSurvivesAKill() throws Exception {
        Path f = Path.of("samples/camera-trap/reconyx_hc550_small.jpg");
        READER.read(f);
        // kill every exiftool child: the pool must notice and start a new one
        ProcessHandle.current().children().filter(h -> h.info().commandLine().orElse("").contains("exiftool"))
                .forEach(ProcessHandle::destroyForcibly);
        Thread.sleep(200);
        Map<String, Object> tags = null;
        for (int attempt = 0; attempt < 2 && tags == null; attempt++) {
            try {
                tags = READER.read(f).tags();
            } catch (java.io.IOException dead) {
                // the first call on a dead process fails and discards it
            }
        }
        assertEquals("H550HH12223861", String.valueOf(tags.get("SerialNumber")));
    }
}
