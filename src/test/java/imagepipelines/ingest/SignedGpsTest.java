package imagepipelines.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * md.GPSLatitude / GPSLongitude are signed decimal degrees and GPSAltitude is negative below sea level, equal to
 * exiftool's Composite values (the Animl API reads numbers as signed). The images are real JPEGs with GPS tags
 * written by the real exiftool into a copy of a sample.
 */
class SignedGpsTest {

    static final ExifToolPool POOL = new ExifToolPool("exiftool", 30_000);
    static final ExifMetadataReader READER = new ExifMetadataReader(POOL);
    static final ImageRecordBuilder BUILDER = new ImageRecordBuilder("serving");
    static final Path SAMPLE = Path.of("samples/camera-trap/reconyx_hc550_small.jpg"); // no GPS tags at all

    @TempDir
    Path dir;

    @AfterAll
    static void close() {
        POOL.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // quadrant,          lat, latRef, lon,    lonRef, alt,  altRef, expected lat, lon,     alt
        "north-east Kenya,    0.5,   N,    37.25,  E,      1200, 0,       0.5,          37.25,   1200",
        "north-west California, 34.1, N,   119.75, W,      85.5, 0,       34.1,         -119.75, 85.5",
        "south-east Australia, 33.5, S,    151.2,  E,      12,   0,       -33.5,        151.2,   12",
        "south-west Chile,    41.45, S,    72.95,  W,      3.5,  1,       -41.45,       -72.95,  -3.5",
    })
    void coordinatesAreSignedAsExiftoolsCompositeTags(String place, double lat, String latRef, double lon,
            String lonRef, double alt, int altRef, double wantLat, double wantLon, double wantAlt) throws Exception {
        Path image = withGps(List.of("-GPSLatitude=" + lat, "-GPSLatitudeRef=" + latRef, "-GPSLongitude=" + lon,
                "-GPSLongitudeRef=" + lonRef, "-GPSAltitude=" + alt, "-GPSAltitudeRef#=" + altRef));
        Map<String, Object> md = md(image);
        Map<String, Object> composite = exiftool(image);

        assertEquals(wantLat, number(md, "GPSLatitude"), 1e-9, place);
        assertEquals(wantLon, number(md, "GPSLongitude"), 1e-9, place);
        assertEquals(wantAlt, number(md, "GPSAltitude"), 1e-9, place);
        // the reference: exiftool's own Composite values, from a separate plain run
        assertEquals(number(composite, "Composite:GPSLatitude"), number(md, "GPSLatitude"), 1e-12);
        assertEquals(number(composite, "Composite:GPSLongitude"), number(md, "GPSLongitude"), 1e-12);
        assertEquals(number(composite, "Composite:GPSAltitude"), number(md, "GPSAltitude"), 1e-12);
    }

    @Test
    void aLongitudeWithoutItsRefIsLeftOutRatherThanGuessed() throws Exception {
        // the EXIF value is 118.25 with no hemisphere: east (China) or west (California) cannot be told
        Path image = withGps(List.of("-GPSLatitude=34.1", "-GPSLatitudeRef=N", "-GPSLongitude=118.25"));
        ExifMetadataReader.ExifTags exif = READER.read(image);
        Map<String, Object> md = BUILDER.build(UploadKey.parse("b", "cam/x.jpg"), Files.readAllBytes(image), exif);

        assertEquals(34.1, number(md, "GPSLatitude"), 1e-9);
        assertFalse(md.containsKey("GPSLongitude"), "an unsigned longitude reached md: " + md.get("GPSLongitude"));
        assertTrue(exif.warnings().stream().anyMatch(w -> w.contains("GPSLongitudeRef")), exif.warnings().toString());
        assertFalse(exiftool(image).containsKey("Composite:GPSLongitude"), "exiftool itself gives no signed value");
        assertTrue(((List<?>) md.get("errors")).isEmpty(), "the image itself is fine");
    }

    @Test
    void anAltitudeWithoutItsRefIsAboveSeaLevelAsExifDefines() throws Exception {
        Path image = withGps(List.of("-GPSLatitude=34.1", "-GPSLatitudeRef=N", "-GPSLongitude=119.75",
                "-GPSLongitudeRef=W", "-GPSAltitude=85.5"));
        Map<String, Object> md = md(image);
        assertEquals(85.5, number(md, "GPSAltitude"), 1e-9);
        assertEquals(-119.75, number(md, "GPSLongitude"), 1e-9);
    }

    @Test
    void anImageWithoutGpsHasNoCoordinates() throws Exception {
        Path image = dir.resolve("plain.jpg");
        Files.copy(SAMPLE, image);
        Map<String, Object> md = md(image);
        for (String tag : List.of("GPSLatitude", "GPSLongitude", "GPSAltitude", "GPSPosition")) {
            assertFalse(md.containsKey(tag), tag + " in md of an image without GPS");
        }
        assertEquals("H550HH12223861", md.get("SerialNumber"));
    }

    @Test
    void sizeTheApiReadsIsThePixelSize() throws Exception {
        // ImageWidth/ImageHeight are the other numbers the API keeps: the JPEG's own size, as exiftool's ImageSize
        Map<String, Object> md = md(SAMPLE);
        String[] size = String.valueOf(exiftool(SAMPLE).get("Composite:ImageSize")).split(" ");
        assertEquals(Integer.parseInt(size[0]), md.get("ImageWidth"));
        assertEquals(Integer.parseInt(size[1]), md.get("ImageHeight"));
    }

    private Path withGps(List<String> tags) throws Exception {
        Path image = dir.resolve("gps-" + System.nanoTime() + ".jpg");
        Files.copy(SAMPLE, image);
        List<String> cmd = new ArrayList<>(List.of("exiftool", "-q", "-overwrite_original"));
        cmd.addAll(tags);
        cmd.add(image.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "exiftool could not write the tags: " + out);
        return image;
    }

    private static Map<String, Object> md(Path image) throws Exception {
        return BUILDER.build(UploadKey.parse("b", "cam/x.jpg"), Files.readAllBytes(image), READER.read(image));
    }

    private static Map<String, Object> exiftool(Path image) throws Exception {
        Process p = new ProcessBuilder("exiftool", "-G", "-n", "-j", image.toString()).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return new ObjectMapper().readValue(json, new TypeReference<List<Map<String, Object>>>() { }).get(0);
    }

    private static double number(Map<String, Object> tags, String name) {
        Object v = tags.get(name);
        assertNotNull(v, name + " missing");
        return ((Number) v).doubleValue();
    }
}
