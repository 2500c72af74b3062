package imagepipelines.ingest;

import static imagepipelines.testsupport.TestPipelines.DEADLETTER;
import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.SERVING;
import static imagepipelines.testsupport.TestPipelines.await;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 1: dead letters of different uploads never overwrite each other. Keys are
 * {@code <ERROR_CODE>/<imageId or UNKNOWN_ID>/<upload key>}; a different object already under a key is kept and the
 * new one goes beside it; the same upload dead-lettered twice is stored once. Real routes on the embedded S3.
 */
class DeadLetterLayoutTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static TestPipelines p;

    @BeforeAll
    static void start() throws Exception {
        p = TestPipelines.start(dir, Map.of("bulk.track.period-ms", "300"));
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

    /** The reproduction: a 2-byte and a truncated {@code broken.jpg} from two folders. */
    @Test
    void twoBrokenJpgsFromTwoFoldersKeepTwoDeadLetters() {
        byte[] twoBytes = {(byte) 0xFF, (byte) 0xD8};
        byte[] jpeg = resource("/camera-trap/reconyx_hc550_small.jpg");
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
        p.put(INGESTION, "site1/broken.jpg", twoBytes);
        await("site1 dead-lettered", WAIT, () -> p.keys(INGESTION).isEmpty() && deadLetters().size() == 1);
        p.put(INGESTION, "site2/broken.jpg", truncated);
        await("site2 dead-lettered", WAIT, () -> p.keys(INGESTION).isEmpty() && deadLetters().size() == 2);

        assertEquals(List.of("CORRUPTED_IMAGE_FILE/UNKNOWN_ID/site1/broken.jpg",
                "CORRUPTED_IMAGE_FILE/UNKNOWN_ID/site2/broken.jpg"), deadLetters());
        assertArrayEquals(twoBytes, p.get(DEADLETTER, "CORRUPTED_IMAGE_FILE/UNKNOWN_ID/site1/broken.jpg"));
        assertArrayEquals(truncated, p.get(DEADLETTER, "CORRUPTED_IMAGE_FILE/UNKNOWN_ID/site2/broken.jpg"));
        Map<String, String> meta = p.head(DEADLETTER, "CORRUPTED_IMAGE_FILE/UNKNOWN_ID/site2/broken.jpg").metadata();
        assertEquals("CORRUPTED_IMAGE_FILE", meta.get("error-code"));
        assertEquals("site2%2Fbroken.jpg", meta.get("source-key"));
        assertTrue(meta.get("error-reason").contains("truncated"), meta.toString());
    }

    /** The second case: four batches, each with a corrupt {@code corrupt.jpg}, left one object. */
    @Test
    void fourBatchesWithACorruptJpgKeepFourDeadLetters() throws Exception {
        List<String> batches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String batch = "batch-" + UUID.randomUUID();
            batches.add(batch);
            p.put(INGESTION, batch + ".zip", zip("corrupt.jpg", ("not a jpeg, batch " + i).getBytes(StandardCharsets.UTF_8)));
        }
        await("four dead letters", WAIT, () -> deadLetters().size() == 4 && p.keys(INGESTION).isEmpty());
        for (String batch : batches) {
            String key = "CORRUPTED_IMAGE_FILE/UNKNOWN_ID/" + batch + "/corrupt.jpg";
            assertTrue(deadLetters().contains(key), deadLetters().toString());
            await("the batch's progress", WAIT, () -> progress(batch).path("failed").asInt() == 1);
        }
    }

    @Test
    void aDifferentObjectUnderTheKeyIsKeptAndTheSameUploadIsStoredOnce() {
        String taken = "CORRUPTED_IMAGE_FILE/UNKNOWN_ID/site3/broken.jpg";
        byte[] earlier = "an earlier dead letter, e.g. from the old layout".getBytes(StandardCharsets.UTF_8);
        p.put(DEADLETTER, taken, earlier);
        String earlierETag = p.head(DEADLETTER, taken).eTag();

        byte[] first = "first broken upload".getBytes(StandardCharsets.UTF_8);
        p.put(INGESTION, "site3/broken.jpg", first);
        String firstETag = md5(first); // the ETag of a single PUT
        await("dead-lettered beside", WAIT, () -> p.keys(INGESTION).isEmpty() && deadLetters().size() == 2);
        String beside = "CORRUPTED_IMAGE_FILE/UNKNOWN_ID/site3/broken~" + firstETag.substring(0, 12) + ".jpg";
        assertEquals(List.of(taken, beside), deadLetters());
        assertArrayEquals(earlier, p.get(DEADLETTER, taken));
        assertEquals(earlierETag, p.head(DEADLETTER, taken).eTag());
        assertArrayEquals(first, p.get(DEADLETTER, beside));

        // the same upload again (same key, same bytes): found, not copied a second time
        p.put(INGESTION, "site3/broken.jpg", first);
        await("processed again", WAIT, () -> p.keys(INGESTION).isEmpty());
        assertEquals(List.of(taken, beside), deadLetters());

        // different bytes under the same key: a third dead letter, nothing replaced
        byte[] second = "second broken upload".getBytes(StandardCharsets.UTF_8);
        p.put(INGESTION, "site3/broken.jpg", second);
        String secondETag = md5(second);
        await("third dead letter", WAIT, () -> p.keys(INGESTION).isEmpty() && deadLetters().size() == 3);
        String third = "CORRUPTED_IMAGE_FILE/UNKNOWN_ID/site3/broken~" + secondETag.substring(0, 12) + ".jpg";
        assertArrayEquals(second, p.get(DEADLETTER, third));
        assertArrayEquals(first, p.get(DEADLETTER, beside));
        assertArrayEquals(earlier, p.get(DEADLETTER, taken));
    }

    @Test
    void zipsOfTheSameNameFromTwoFoldersKeepTwoDeadLettersWithTheirReason() throws Exception {
        byte[] a = zip("a.jpg", resource("/camera-trap/bushnell_small.jpg"));
        byte[] b = zip("b.jpg", resource("/camera-trap/bushnell_small.jpg"));
        p.put(INGESTION, "uploads/a/holiday.zip", a);
        p.put(INGESTION, "uploads/b/holiday.zip", b);
        await("both kept", WAIT, () -> deadLetters().size() == 2 && p.keys(INGESTION).isEmpty());
        assertEquals(List.of("BAD_ARCHIVE/UNKNOWN_BATCH/uploads/a/holiday.zip",
                "BAD_ARCHIVE/UNKNOWN_BATCH/uploads/b/holiday.zip"), deadLetters());
        assertArrayEquals(a, p.get(DEADLETTER, "BAD_ARCHIVE/UNKNOWN_BATCH/uploads/a/holiday.zip"));
        assertArrayEquals(b, p.get(DEADLETTER, "BAD_ARCHIVE/UNKNOWN_BATCH/uploads/b/holiday.zip"));
        Map<String, String> meta = p.head(DEADLETTER, "BAD_ARCHIVE/UNKNOWN_BATCH/uploads/b/holiday.zip").metadata();
        assertEquals("BAD_ARCHIVE", meta.get("error-code"));
        assertTrue(meta.get("error-reason").contains("batch-<uuid>.zip"), meta.toString());
        assertEquals("uploads%2Fb%2Fholiday.zip", meta.get("source-key"));
    }

    @Test
    void aDamagedBatchZipIsKeptWithItsReason() throws Exception {
        String batch = "batch-" + UUID.randomUUID();
        p.put(INGESTION, batch + ".zip", "this is not a zip at all".getBytes(StandardCharsets.UTF_8));
        String key = "BAD_ARCHIVE/" + batch + "/" + batch + ".zip";
        await("kept", WAIT, () -> deadLetters().contains(key) && p.keys(INGESTION).isEmpty());
        Map<String, String> meta = p.head(DEADLETTER, key).metadata();
        assertEquals("BAD_ARCHIVE", meta.get("error-code"));
        assertTrue(meta.get("error-reason").startsWith("the archive could not be read: "), meta.toString());
        assertEquals(batch, meta.get("batch-id"));
        await("the batch error", WAIT, () -> p.api().batchErrors().stream()
                .anyMatch(e -> batch.equals(e.get("batch")) && ((String) e.get("error")).contains(key)));
    }

    static List<String> deadLetters() {
        return p.keys(DEADLETTER).stream().filter(k -> !k.startsWith("_control/")).toList();
    }

    static String md5(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] zip(String name, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(data);
            z.closeEntry();
        }
        return out.toByteArray();
    }

    static JsonNode progress(String batch) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + p.httpPort + "/batches/" + batch)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(r.statusCode() == 200 ? r.body() : "{}");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
