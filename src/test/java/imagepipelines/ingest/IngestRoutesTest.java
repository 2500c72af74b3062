package imagepipelines.ingest;

import static imagepipelines.testsupport.TestPipelines.DEADLETTER;
import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.SERVING;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real images through the real routes: embedded S3, exiftool, libjpeg-turbo and the API stand-in. */
class IngestRoutesTest {

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

    @BeforeEach
    void clean() {
        p.api().reset();
        for (String b : List.of(SERVING, DEADLETTER)) {
            p.keys(b).forEach(k -> p.s3().deleteObject(r -> r.bucket(b).key(k)));
        }
    }

    @Test
    void reconyxImageBecomesOriginalPlusThumbnailsAndARecord() throws Exception {
        byte[] jpg = resource("/camera-trap/reconyx_pc900_professional.jpg");
        p.put(INGESTION, "cam1/reconyx_pc900_professional.JPG", jpg);

        await("ingestion bucket to empty", Duration.ofSeconds(30), () -> p.keys(INGESTION).isEmpty());
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
        BufferedImage medium = ImageIO.read(new ByteArrayInputStream(p.get(SERVING, "medium/" + id + "-medium.jpg")));
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(p.get(SERVING, "small/" + id + "-small.jpg")));
        assertEquals(940, medium.getWidth());
        assertEquals(529, medium.getHeight());
        assertEquals(120, small.getWidth());
        assertEquals(68, small.getHeight());
    }
}
