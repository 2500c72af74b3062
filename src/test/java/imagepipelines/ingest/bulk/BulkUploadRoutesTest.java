package imagepipelines.ingest.bulk;

import static imagepipelines.testsupport.TestPipelines.DEADLETTER;
import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.SERVING;
import static imagepipelines.testsupport.TestPipelines.assertDone;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.local.FakeAnimlApi;
import imagepipelines.testsupport.TestPipelines;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bulk uploads (batch-<uuid>.zip) through the real routes: embedded S3, exiftool and the API stand-in. */
class BulkUploadRoutesTest {

    static final byte[] PC900 = resource("/camera-trap/reconyx_pc900_professional.jpg");
    static final byte[] HF2 = resource("/camera-trap/reconyx_hf2_pro_covert.jpg");
    static final byte[] HC550 = resource("/camera-trap/reconyx_hc550_small.jpg");
    static final byte[] HC500 = resource("/camera-trap/reconyx_hc500_night_ir_small.jpg");
    static final byte[] BUSHNELL = resource("/camera-trap/bushnell_small.jpg");
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static TestPipelines p;

    @BeforeAll
    static void start() throws Exception {
        p = TestPipelines.start(dir, Map.of(
                "bulk.track.period-ms", "300",
                "bulk.workers", "3",
                "bulk.max-entry-bytes", "2500000",
                "bulk.max-entries", "40",
                "bulk.max-ratio", "50"));
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    @BeforeEach
    void clean() {
        p.api().reset();
        p.deleteObjects(k -> true, SERVING, DEADLETTER);
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void nestedFoldersAreIngestedAndTheBatchIsRecordedInContractOrder() throws Exception {
        byte[] zip = new Zips()
                .add("site1/cam A/reconyx_pc900_professional.jpg", PC900)
                .add("site2/reconyx_pc900_professional.jpg", Zips.variant(PC900, "other camera"))
                .add("site2/deep/er/reconyx_hf2_pro_covert.JPG", HF2)
                .addStored("reconyx_hc550_small.jpeg", HC550)
                .add("site1/reconyx_hc500_night_ir_small.jpg", HC500)
                .add("__MACOSX/site1/._reconyx_hc500_night_ir_small.jpg", new byte[] {0, 5, 22, 7})
                .add(".DS_Store", new byte[] {1, 2, 3})
                .add("site1/.hidden.jpg", PC900)
                .build();
        String batch = upload(zip);
        awaitEnd(batch);

        assertEquals(List.of(Set.of("total", "uploadComplete"), Set.of("processingStart"),
                Set.of("ingestionComplete"), Set.of("processingEnd")), updates(batch));
        assertEquals(5, ((Number) p.api().batches().get(batch).get("total")).intValue());
        assertEquals(List.of(), batchErrors(batch));
        assertEquals(15, p.keys(SERVING).size());
        assertEquals(List.of(), p.keys(INGESTION));
        assertEquals(List.of(), deadLetters());
        Set<String> paths = p.api().calls("CreateImageRecord").stream()
                .map(c -> (String) ((Map<?, ?>) c.input().get("md")).get("Path")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("reconyx_hc550_small.jpeg", "site1/cam A/reconyx_pc900_professional.jpg",
                "site1/reconyx_hc500_night_ir_small.jpg", "site2/deep/er/reconyx_hf2_pro_covert.JPG",
                "site2/reconyx_pc900_professional.jpg")), paths);
        p.api().calls("CreateImageRecord").forEach(c ->
                assertEquals(batch, ((Map<?, ?>) c.input().get("md")).get("batchId")));

        JsonNode progress = progress(batch);
        assertEquals(5, progress.path("total").asInt());
        assertEquals(5, progress.path("done").asInt());
        assertEquals(0, progress.path("failed").asInt());
        assertEquals(0, progress.path("eta").asInt());
    }

    @Test
    void crcMismatchFailsOneEntryNonImagesAreListedAndTheZipIsKept() throws Exception {
        byte[] zip = new Zips()
                .add("good/reconyx_hc550_small.jpg", Zips.variant(HC550, "crc test"))
                .add("bad/reconyx_pc900_professional.jpg", Zips.variant(PC900, "crc test"))
                .add("cam/bushnell_small.jpg", BUSHNELL)
                .add("notes.txt", "hello".getBytes())
                .add("clips/video.mp4", new byte[100])
                .build();
        zip = Zips.patchInt(zip, "bad/reconyx_pc900_professional.jpg", 16, 0x12345678);
        String batch = upload(zip);
        awaitEnd(batch);

        List<String> errors = batchErrors(batch);
        assertTrue(errors.stream().anyMatch(e -> e.contains("'bad/reconyx_pc900_professional.jpg'")
                && e.contains("CRC mismatch")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("notes.txt") && e.contains("clips/video.mp4")
                && e.contains("not images")), errors.toString());
        assertEquals(3, ((Number) p.api().batches().get(batch).get("total")).intValue());
        // the good image is served, the Bushnell one (no serial number) is dead-lettered by the per-image path
        assertEquals(3, p.keys(SERVING).size());
        List<String> dl = deadLetters();
        assertTrue(dl.contains("BAD_ARCHIVE/" + batch + "/" + batch + ".zip"), dl.toString());
        assertTrue(dl.stream().anyMatch(k -> k.startsWith("UNKNOWN_SERIAL_NUMBER/")), dl.toString());
        assertArrayEquals(zip, p.get(DEADLETTER, "BAD_ARCHIVE/" + batch + "/" + batch + ".zip"));
        assertEquals(List.of(), p.keys(INGESTION));
        JsonNode progress = progress(batch);
        assertEquals(1, progress.path("done").asInt());
        assertEquals(2, progress.path("failed").asInt());
    }

    @Test
    void corruptArchiveIsRecordedAndKept() throws Exception {
        byte[] junk = new byte[5000];
        new java.util.Random(7).nextBytes(junk);
        String batch = upload(junk);
        awaitEnd(batch);
        assertOneArchiveError(batch, "not a zip file");
        assertEquals(0, ((Number) p.api().batches().get(batch).get("total")).intValue());
        assertTrue(deadLetters().contains("BAD_ARCHIVE/" + batch + "/" + batch + ".zip"));
    }

    @Test
    void truncatedArchiveIsRecordedAndKept() throws Exception {
        byte[] zip = new Zips().add("a/reconyx_hc550_small.jpg", HC550).add("b/reconyx_hf2_pro_covert.jpg", HF2).build();
        String batch = upload(Arrays.copyOf(zip, zip.length * 2 / 3));
        awaitEnd(batch);
        assertOneArchiveError(batch, "truncated");
        assertTrue(deadLetters().contains("BAD_ARCHIVE/" + batch + "/" + batch + ".zip"));
        assertEquals(List.of(Set.of("total", "uploadComplete"), Set.of("processingStart"),
                Set.of("ingestionComplete"), Set.of("processingEnd")), updates(batch));
    }

    @Test
    void encryptedEntryIsRefusedTheOthersGoOn() throws Exception {
        byte[] zip = new Zips()
                .add("secret/reconyx_hf2_pro_covert.jpg", Zips.variant(HF2, "enc"))
                .add("open/reconyx_hc550_small.jpg", Zips.variant(HC550, "enc"))
                .build();
        String batch = upload(Zips.encrypt(zip, "secret/reconyx_hf2_pro_covert.jpg"));
        awaitEnd(batch);
        List<String> errors = batchErrors(batch);
        assertTrue(errors.stream().anyMatch(e -> e.contains("'secret/reconyx_hf2_pro_covert.jpg'")
                && e.contains("encrypted")), errors.toString());
        // issue 16 item 5: the refused image is one of the batch's images (total) and counts as failed
        assertEquals(2, ((Number) p.api().batches().get(batch).get("total")).intValue());
        assertEquals(3, p.keys(SERVING).size());
        assertTrue(deadLetters().contains("BAD_ARCHIVE/" + batch + "/" + batch + ".zip"));
        JsonNode progress = progress(batch);
        assertEquals(2, progress.path("total").asInt());
        assertEquals(1, progress.path("done").asInt());
        assertEquals(1, progress.path("failed").asInt());
        assertEquals(0, progress.path("remaining").asInt());
    }

    @Test
    void pathTraversalAndAbsolutePathsAreRefused() throws Exception {
        byte[] zip = new Zips()
                .add("../evil1.jpg", PC900)
                .add("ok/../../evil2.jpg", PC900)
                .add("/etc/evil3.jpg", PC900)
                .add("C:\\Windows\\evil4.jpg", PC900)
                .add("fine/reconyx_hc500_night_ir_small.jpg", Zips.variant(HC500, "traversal"))
                .build();
        String batch = upload(zip);
        awaitEnd(batch);
        List<String> errors = batchErrors(batch);
        assertEquals(4, errors.size(), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("'../evil1.jpg'") && e.contains("path traversal")));
        assertTrue(errors.stream().anyMatch(e -> e.contains("'/etc/evil3.jpg'") && e.contains("absolute path")));
        assertTrue(errors.stream().anyMatch(e -> e.contains("evil4.jpg") && e.contains("absolute path")));
        // the four refused .jpg entries are images the user sent: in the total, and failed
        assertEquals(5, ((Number) p.api().batches().get(batch).get("total")).intValue());
        for (String b : List.of(INGESTION, SERVING, DEADLETTER, TestPipelines.PARKINGLOT)) {
            assertFalse(p.keys(b).stream().anyMatch(k -> k.contains("evil") && !k.endsWith(".zip")), b);
        }
        assertEquals(3, p.keys(SERVING).size());
        assertEquals(4, progress(batch).path("failed").asInt());
        assertEquals(1, progress(batch).path("done").asInt());
    }

    @Test
    void zipBombEntriesAreRefused() throws Exception {
        byte[] zeros = new byte[3_000_000];
        byte[] million = new byte[1_000_000];
        byte[] zip = new Zips()
                .add("bomb.jpg", zeros)                   // declares 3 MB > bulk.max-entry-bytes
                .add("liar.jpg", million)                 // declares 1000 bytes, inflates to 1 MB
                .add("real/reconyx_hc550_small.jpg", Zips.variant(HC550, "bomb"))
                .build();
        zip = Zips.patchInt(zip, "liar.jpg", 24, 1000);
        String batch = upload(zip);
        awaitEnd(batch);
        List<String> errors = batchErrors(batch);
        assertTrue(errors.stream().anyMatch(e -> e.contains("'bomb.jpg'") && e.contains("per-entry limit")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("'liar.jpg'") && e.contains("inflates past its declared size")),
                errors.toString());
        assertEquals(3, p.keys(SERVING).size());
        assertFalse(p.keys(INGESTION).stream().anyMatch(k -> k.contains("liar") || k.contains("bomb")));
        assertTrue(deadLetters().contains("BAD_ARCHIVE/" + batch + "/" + batch + ".zip"));
    }

    @Test
    void compressionRatioPastTheLimitRefusesTheArchive() throws Exception {
        // each entry is under bulk.max-entry-bytes, but 4 MB from a few KB is a bomb
        byte[] zip = new Zips().add("zeros.jpg", new byte[2_000_000]).add("more/zeros.jpg", new byte[2_000_000])
                .add("notes.txt", "x".getBytes()).build();
        String batch = upload(zip);
        awaitEnd(batch);
        assertOneArchiveError(batch, "zip bomb");
        assertEquals(0, p.keys(SERVING).size());
    }

    @Test
    void moreEntriesThanTheLimitRefusesTheArchive() throws Exception {
        Zips z = new Zips();
        for (int i = 0; i < 41; i++) {
            z.add("f" + i + ".jpg", new byte[] {(byte) i});
        }
        String batch = upload(z.build());
        awaitEnd(batch);
        assertOneArchiveError(batch, "41 entries, more than the limit of 40");
    }

    @Test
    void nestedZipIsRefusedTheOthersGoOn() throws Exception {
        byte[] inner = new Zips().add("inside.jpg", PC900).build();
        byte[] zip = new Zips().add("more/batch-inner.zip", inner)
                .add("reconyx_hf2_serialA_1.jpg", resource("/camera-trap/reconyx_hf2_serialA_1.jpg")).build();
        String batch = upload(zip);
        awaitEnd(batch);
        List<String> errors = batchErrors(batch);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("'more/batch-inner.zip'") && errors.get(0).contains("nested"));
        assertEquals(3, p.keys(SERVING).size());
    }

    @Test
    void legacyCodePageNamesAreDecoded() throws Exception {
        byte[] sjis = new Zips().charset(Charset.forName("Shift_JIS"))
                .add("カメラ/写真.jpg", Zips.variant(PC900, "sjis")).build();
        byte[] cp437 = new Zips().charset(Charset.forName("IBM437"))
                .add("Kamera/café.jpg", Zips.variant(HC550, "cp437")).build();
        String b1 = upload(sjis);
        String b2 = upload(cp437);
        awaitEnd(b1);
        awaitEnd(b2);
        Set<String> paths = p.api().calls("CreateImageRecord").stream()
                .map(c -> (String) ((Map<?, ?>) c.input().get("md")).get("Path")).collect(Collectors.toSet());
        assertEquals(Set.of("カメラ/写真.jpg", "Kamera/café.jpg"), paths);
        assertEquals(List.of(), batchErrors(b1));
        assertEquals(List.of(), batchErrors(b2));
    }

    @Test
    void anUnavailableApiIsRetriedAndTheBatchStillCompletes() throws Exception {
        byte[] zip = new Zips().add("retry/reconyx_hc550_small.jpg", Zips.variant(HC550, "retry")).build();
        p.api().failNext(2, 503);
        String batch = upload(zip);
        awaitEnd(batch);
        assertEquals(List.of(Set.of("total", "uploadComplete"), Set.of("processingStart"),
                Set.of("ingestionComplete"), Set.of("processingEnd")), updates(batch));
        assertTrue(p.api().calls("UpdateBatch").stream().anyMatch(c -> c.status() == 503));
        assertEquals(3, p.keys(SERVING).size());
        assertEquals(List.of(), deadLetters());
    }

    @Test
    void aZipNotNamedAfterABatchIsKeptAsDeadLetter() throws Exception {
        NotifyBuilder done = p.whenImagesDone("uploads/holiday.zip");
        p.put(INGESTION, "uploads/holiday.zip", new Zips().add("a.jpg", PC900).build());
        assertDone(done, WAIT, "the zip through the poller");
        // copied first, deleted second
        assertTrue(deadLetters().contains("BAD_ARCHIVE/UNKNOWN_BATCH/uploads/holiday.zip"), deadLetters().toString());
        assertFalse(p.keys(INGESTION).contains("uploads/holiday.zip"));
        assertEquals(List.of(), p.api().calls("UpdateBatch"));
    }

    /** Issue 16 item 5: a finished batch's zip uploaded again used to run again (DUPLICATE_IMAGE, done 0 failed 2). */
    @Test
    void aFinishedBatchZipUploadedAgainIsRefusedAndNotRunAgain() throws Exception {
        byte[] zip = new Zips()
                .add("ok/reconyx_hc550_small.jpg", Zips.variant(HC550, "again"))
                .add("cam/bushnell_small.jpg", Zips.variant(BUSHNELL, "again")) // refused by the API: failed
                .build();
        String batch = upload(zip);
        awaitEnd(batch);
        JsonNode before = progress(batch);
        assertEquals(1, before.path("done").asInt());
        assertEquals(1, before.path("failed").asInt());
        List<String> deadBefore = deadLetters();
        int created = p.api().calls("CreateImageRecord").size();
        List<Set<String>> updatesBefore = updates(batch);

        NotifyBuilder repeat = p.whenImagesDone(batch + ".zip");
        p.put(INGESTION, batch + ".zip", zip);
        String kept = "REPEATED_BATCH_UPLOAD/" + batch + "/" + batch + ".zip";
        assertDone(repeat, WAIT, "the repeated zip through the poller");
        assertTrue(batchErrors(batch).stream().anyMatch(e -> e.contains("uploaded again")), batchErrors(batch).toString());
        assertTrue(deadLetters().contains(kept), deadLetters().toString());
        assertEquals(List.of(), p.keys(INGESTION));
        String error = batchErrors(batch).stream().filter(e -> e.contains("uploaded again")).findFirst().orElseThrow();
        assertTrue(error.contains("has finished already") && error.contains(kept) && error.contains("new batch"), error);
        assertArrayEquals(zip, p.get(DEADLETTER, kept));
        assertEquals("REPEATED_BATCH_UPLOAD", p.head(DEADLETTER, kept).metadata().get("error-code"));

        assertDone(trackerRounds(5), WAIT, "five tracker rounds"); // nothing may change any more
        assertEquals(created, p.api().calls("CreateImageRecord").size(), "no image was sent again");
        assertEquals(updatesBefore, updates(batch), "no updateBatch for the repeat");
        List<String> deadAfter = new ArrayList<>(deadLetters());
        deadAfter.remove(kept);
        assertEquals(deadBefore, deadAfter, "no DUPLICATE_IMAGE dead letters");
        JsonNode after = progress(batch);
        assertEquals(1, after.path("done").asInt());
        assertEquals(1, after.path("failed").asInt());
        assertEquals(2, after.path("total").asInt());
    }

    /** Not a repeat: the first zip of the batch was truncated (nothing extracted), the re-upload is the fix. */
    @Test
    void aTruncatedBatchZipUploadedAgainWholeIsRun() throws Exception {
        byte[] zip = new Zips().add("fixed/reconyx_hc550_small.jpg", Zips.variant(HC550, "fixed")).build();
        String batch = upload(Arrays.copyOf(zip, zip.length / 2));
        awaitEnd(batch);
        assertOneArchiveError(batch, "truncated");
        expectEnd(batch, 1);
        p.put(INGESTION, batch + ".zip", zip);
        awaitEnd(batch);
        assertEquals(3, p.keys(SERVING).size(), "the good zip's image served: " + p.keys(SERVING));
        assertEquals(List.of(), p.keys(INGESTION));
        assertTrue(batchErrors(batch).stream().noneMatch(e -> e.contains("uploaded again")), batchErrors(batch).toString());
        assertEquals(2, updates(batch).stream().filter(Set.of("processingEnd")::equals).count(), "processingEnd again");
        assertEquals(1, progress(batch).path("done").asInt());
    }

    @Test
    void anInterruptedExtractionResumesWithoutWritingEntriesAgain() throws Exception {
        byte[] zip = new Zips()
                .add("first/reconyx_hc550_small.jpg", Zips.variant(HC550, "resume"))     // catalog index 1
                .add("second/reconyx_hc500_night_ir_small.jpg", Zips.variant(HC500, "resume"))
                .build();
        String batch = "batch-" + UUID.randomUUID();
        // what a run that crashed after writing entry 1 (and before finishing) left behind
        byte[] record = ("{\"batchId\":\"" + batch + "\",\"zip\":\"" + batch + ".zip\",\"total\":2,"
                + "\"processingStart\":\"" + java.time.Instant.now() + "\",\"ingestionComplete\":null,"
                + "\"extracted\":1,\"extractFailed\":0,\"doneEntries\":\"Ag==\"}").getBytes();
        p.put(DEADLETTER, "_control/bulk-batches/open/" + batch + ".json", record);
        expectEnd(batch);
        p.put(INGESTION, batch + ".zip", zip);
        awaitEnd(batch);
        assertEquals(2, ((Number) p.api().batches().get(batch).get("total")).intValue());
        List<FakeAnimlApi.Call> created = p.api().calls("CreateImageRecord");
        assertEquals(1, created.size());
        assertEquals("second/reconyx_hc500_night_ir_small.jpg", ((Map<?, ?>) created.get(0).input().get("md")).get("Path"));
        assertEquals(List.of(), batchErrors(batch));
    }

    @Test
    void aBatchWhoseExtractionDiedAfterRemovingTheZipIsCompletedByTheTracker() throws Exception {
        String batch = "batch-" + UUID.randomUUID();
        byte[] record = ("{\"batchId\":\"" + batch + "\",\"zip\":\"" + batch + ".zip\",\"total\":0,"
                + "\"processingStart\":\"2020-01-01T00:00:00Z\",\"ingestionComplete\":null,"
                + "\"extracted\":0,\"extractFailed\":0,\"doneEntries\":\"\",\"updated\":\"2020-01-01T00:00:00Z\"}")
                .getBytes();
        expectEnd(batch);
        p.put(DEADLETTER, "_control/bulk-batches/open/" + batch + ".json", record);
        awaitEnd(batch);
        assertEquals(List.of(Set.of("ingestionComplete"), Set.of("processingEnd")), updates(batch));
    }

    @Test
    void emptyArchiveEndsTheBatchWithAnError() throws Exception {
        String batch = upload(new Zips().build());
        awaitEnd(batch);
        assertOneArchiveError(batch, "contains no images");
        assertEquals(0, ((Number) p.api().batches().get(batch).get("total")).intValue());
        assertFalse(p.keys(INGESTION).contains(batch + ".zip"));
        HttpResponse<String> unknown = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + p.httpPort + "/batches/batch-" + UUID.randomUUID())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, unknown.statusCode());
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Uploads {@code zip} as a new batch's zip, its end expected ({@link #expectEnd}); the batch id. */
    static String upload(byte[] zip) {
        String batch = "batch-" + UUID.randomUUID();
        expectEnd(batch);
        p.put(INGESTION, batch + ".zip", zip);
        return batch;
    }

    static final Map<String, NotifyBuilder> ENDS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Camel's NotifyBuilder, made before the upload: matches once the tracker (ingest-bulk-track-batch) has recorded
     * processingEnd of {@code batch} with the API, which it does when the batch's every image is done.
     */
    static void expectEnd(String batch) {
        expectEnd(batch, -1);
    }

    /**
     * As {@link #expectEnd(String)}, for a batch of {@code total} images (-1: any). A batch that ends a second time
     * needs its total: the API call of the first end is an exchange of its own, done a moment before the tracker's.
     */
    static void expectEnd(String batch, int total) {
        ENDS.put(batch, new NotifyBuilder(p.app.context()).fromRoute("ingest-bulk-track-batch")
                .whenAnyDoneMatches(e -> !e.isFailed() && batch.equals(e.getProperty("batchId"))
                        && "processingEnd".equals(e.getProperty("batchFields"))
                        && (total < 0 || e.getProperty("progress") instanceof BatchProgress b && b.total() == total))
                .create());
    }

    /** Waits for the end {@link #expectEnd} expects; the stand-in has the updateBatch then. */
    static void awaitEnd(String batch) {
        NotifyBuilder end = ENDS.remove(batch);
        assertNotNull(end, "expectEnd(" + batch + ") before its upload");
        assertDone(end, WAIT, "processingEnd of " + batch);
        assertTrue(updates(batch).contains(Set.of("processingEnd")), updates(batch).toString());
    }

    /** Camel's NotifyBuilder: matches once the tracker has made {@code n} more rounds over the open batches. */
    static NotifyBuilder trackerRounds(int n) {
        return new NotifyBuilder(p.app.context()).fromRoute("ingest-bulk-track-batch")
                .filter(TestPipelines::isWhole).whenDone(n).create();
    }

    static List<Set<String>> updates(String batch) {
        List<Set<String>> out = new ArrayList<>();
        for (FakeAnimlApi.Call c : p.api().calls("UpdateBatch")) {
            if (batch.equals(c.input().get("_id")) && c.status() == 200) {
                Set<String> fields = new TreeSet<>(c.input().keySet());
                fields.remove("_id");
                out.add(Set.copyOf(fields));
            }
        }
        return out;
    }

    static List<String> batchErrors(String batch) {
        return p.api().batchErrors().stream().filter(e -> batch.equals(e.get("batch")))
                .map(e -> (String) e.get("error")).toList();
    }

    static void assertOneArchiveError(String batch, String text) {
        List<String> errors = batchErrors(batch);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains(text), errors.get(0));
    }

    static List<String> deadLetters() {
        return p.keys(DEADLETTER).stream().filter(k -> !k.startsWith("_control/")).toList();
    }

    static JsonNode progress(String batch) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + p.httpPort + "/batches/" + batch)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }
}
