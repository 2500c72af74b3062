package imagepipelines.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.Test;

/** The stage's decode result goes into md either way; an undecodable image is a CORRUPTED_IMAGE_FILE. */
class MakeThumbnailsTest {

    final MakeThumbnails stage = new MakeThumbnails(new ThumbnailMaker(940, 120, 85, 60_000_000));

    static Map<String, Object> md() {
        Map<String, Object> md = new HashMap<>();
        md.put("errors", new ArrayList<String>());
        return md;
    }

    @Test
    void aDecodedImageGivesItsThumbnailsAndItsSizeWhenExifGaveNone() throws Exception {
        Map<String, Object> md = md();
        ThumbnailMaker.Thumbnails t = stage.make(TestPipelines.resource("/camera-trap/reconyx_hc550_small.jpg"), md);
        assertEquals(600, t.width());
        assertEquals(600, md.get("ImageWidth"));
        assertEquals(450, md.get("ImageHeight"));
        assertEquals(List.of(), md.get("errors"));
    }

    @Test
    void anUndecodableImageIsCorruptWithoutACauseAndSaysWhyInMd() throws Exception {
        Map<String, Object> md = md();
        byte[] half = TestImages.truncated(TestPipelines.resource("/camera-trap/reconyx_hc550_small.jpg"), 0.5);
        IngestFailure f = assertThrows(IngestFailure.class, () -> stage.make(half, md));
        assertEquals(IngestFailure.CORRUPTED_IMAGE_FILE, f.code());
        assertNull(f.getCause(), "an I/O cause would make Camel treat a corrupt file as a transient failure");
        @SuppressWarnings("unchecked")
        List<String> errors = (List<String>) md.get("errors");
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith("image could not be decoded: "), errors.get(0));
    }
}
