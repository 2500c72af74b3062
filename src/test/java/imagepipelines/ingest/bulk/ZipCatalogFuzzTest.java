package imagepipelines.ingest.bulk;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the bulk path's zip reading with arbitrary archives (docs/reliability.md "Hostile input"): the central
 * directory reader ({@link ZipCatalog}), the planner's checks ({@link BulkPlanner}) and the entry inflater
 * ({@link EntryInflater}), on the bytes in memory instead of ranged S3 GETs. Without {@code JAZZER_FUZZ=1} only the
 * seeds in {@code ZipCatalogFuzzTestInputs/} run. The contract: a hostile archive ends in a
 * {@link BadArchiveException} (or, for one entry, an {@link EntryProblem}) with a reason; every byte range asked for
 * lies inside the file (S3 answers any other with 416, which the route would take for an outage and retry forever);
 * every planned entry has a size within the limit and a range inside the file.
 */
class ZipCatalogFuzzTest {

    private static final long MAX_ENTRY_BYTES = 1 << 20;
    private static final BulkPlanner PLANNER = new BulkPlanner(null, "Shift_JIS", 1000, 1 << 20, MAX_ENTRY_BYTES,
            10L << 20, 100);
    private static final EntryNames NAMES = new EntryNames("Shift_JIS");

    @FuzzTest(maxDuration = "20s")
    void anyArchiveIsCataloguedOrRefusedWithAReason(byte[] zip) throws IOException {
        ZipCatalog.Ranges ranges = (start, len) -> {
            if (start < 0 || len <= 0 || start > zip.length - len) {
                throw new AssertionError("asked for bytes " + start + "+" + len + " of a " + zip.length + "-byte file");
            }
            return ByteBuffer.wrap(zip, (int) start, (int) len).slice().order(ByteOrder.LITTLE_ENDIAN);
        };
        BulkRun run = new BulkRun("batch-6f1c1a9e-3b2d-4c5e-8f7a-9b0c1d2e3f40", "b",
                "batch-6f1c1a9e-3b2d-4c5e-8f7a-9b0c1d2e3f40.zip", "batch-6f1c1a9e-3b2d-4c5e-8f7a-9b0c1d2e3f40.zip");
        try {
            ZipCatalog catalog = ZipCatalog.read(zip.length, ranges, 1000, 1 << 20, NAMES);
            PLANNER.plan(run, catalog);
        } catch (BadArchiveException refused) {
            reasonGiven(refused);
            return;
        } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException damaged) {
            return; // BulkPlanner.plan(UploadKey) records these as "the archive's directory is damaged"
        }
        for (BulkRun.Planned p : run.planned()) {
            if (p.entry().size() < 0 || p.entry().size() > MAX_ENTRY_BYTES) {
                throw new AssertionError("planned an entry of " + p.entry().size() + " bytes: " + p.entry().name());
            }
            if (p.rangeStart() < 0 || p.rangeEnd() >= zip.length || p.rangeStart() > p.rangeEnd()) {
                throw new AssertionError("planned bytes " + p.rangeStart() + "-" + p.rangeEnd() + " of a "
                        + zip.length + "-byte file for " + p.entry().name());
            }
            int from = (int) p.rangeStart();
            try {
                new EntryInflater().inflate(new ByteArrayInputStream(zip, from, (int) p.rangeEnd() - from + 1), p);
            } catch (EntryProblem bad) {
                reasonGiven(bad);
            }
        }
    }

    private static void reasonGiven(Exception e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("refused without a reason", e);
        }
    }
}
