package imagepipelines.ingest.bulk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class EntryNamesAndPathsTest {

    final EntryNames names = new EntryNames("Shift_JIS");

    @Test
    void namesDecodeFromUtf8ShiftJisAndCp437() {
        assertEquals("été/ß.jpg", names.decode("été/ß.jpg".getBytes(StandardCharsets.UTF_8), true, null));
        assertEquals("été/ß.jpg", names.decode("été/ß.jpg".getBytes(StandardCharsets.UTF_8), false, null));
        assertEquals("カメラ/写真.jpg", names.decode("カメラ/写真.jpg".getBytes(Charset.forName("Shift_JIS")), false, null));
        assertEquals("Kamera/café.jpg", names.decode("Kamera/café.jpg".getBytes(Charset.forName("IBM437")), false, null));
        // the Info-ZIP Unicode Path field wins over the legacy name
        assertEquals("日本.jpg", names.decode("??.jpg".getBytes(StandardCharsets.US_ASCII), false,
                "日本.jpg".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void pathsAreNormalisedOrRefused() {
        assertEquals("a/b/c.jpg", BulkPlanner.safePath("a//b/./c.jpg"));
        assertEquals("win/dir/x.jpg", BulkPlanner.safePath("win\\dir\\x.jpg"));
        assertThrows(IllegalArgumentException.class, () -> BulkPlanner.safePath("../x.jpg"));
        assertThrows(IllegalArgumentException.class, () -> BulkPlanner.safePath("a/../../x.jpg"));
        assertThrows(IllegalArgumentException.class, () -> BulkPlanner.safePath("..\\x.jpg"));
        assertThrows(IllegalArgumentException.class, () -> BulkPlanner.safePath("/etc/x.jpg"));
        assertThrows(IllegalArgumentException.class, () -> BulkPlanner.safePath("C:/x.jpg"));
        assertThrows(IllegalArgumentException.class, () -> BulkPlanner.safePath("a/\u0000x.jpg"));
        assertTrue(BulkPlanner.hidden("__MACOSX/a/._x.jpg"));
        assertTrue(BulkPlanner.hidden("a/.thumbs/x.jpg"));
        assertFalse(BulkPlanner.hidden("a/x.jpg"));
    }

    @Test
    void batchIdComesFromTheZipName() {
        String id = "batch-0f8fad5b-d9cb-469f-a165-70867728950e";
        assertEquals(id, BulkPlanner.batchIdOf(id + ".zip"));
        assertEquals(id, BulkPlanner.batchIdOf("uploads/" + id.toUpperCase().replace("BATCH", "batch") + ".ZIP"));
        assertEquals(null, BulkPlanner.batchIdOf("holiday.zip"));
    }
}
