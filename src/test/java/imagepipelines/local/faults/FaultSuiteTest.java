package imagepipelines.local.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CI's reduced fault suite: every implemented scenario of {@code bin/image-pipelines faults} at small scale (the
 * same code, smaller counts and shorter outages), each with real worker JVMs SIGKILLed or faulted on the stack of
 * this JVM. Nothing may be lost, wait forever or exist twice.
 */
class FaultSuiteTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "scenario {0}")
    @ValueSource(strings = {"1", "2", "4", "3", "8"})
    void scenarioLosesAndDuplicatesNothing(String id) throws Exception {
        check(id);
    }

    /**
     * Scenario 5: the face receiver throttles and fails, the faces worker is killed while encodings wait to be posted;
     * a request redelivered whole posts only the sources the receiver does not have yet (posted marks).
     */
    @Test
    void faceReceiverFaultsAndAKilledFacesWorkerLoseAndDuplicateNothing() throws Exception {
        check("5");
    }

    /** Scenario 7 mounts a small tmpfs as the worker's scratch folder: only where this process may (root). */
    @Test
    void scratchFullLosesAndDuplicatesNothing() throws Exception {
        Assumptions.assumeTrue(ScratchFs.available(dir.resolve("probe")), "mounting a tmpfs needs root");
        check("7");
    }

    private void check(String id) throws Exception {
        ScenarioRun.Result r = FaultsCommand.runAll(List.of(id), false, dir).get(0);
        String table = FaultsCommand.table(List.of(r));
        Ledger.Counts c = r.counts();
        assertTrue(r.drained(), "drained within the bound:\n" + table);
        assertEquals(0, c.lost(), table);
        assertEquals(0, c.waiting(), table);
        assertEquals(0, c.duplicated(), table);
        assertEquals(c.inputs(), c.stored() + c.deadLetteredTotal() + c.parked(), "every input has one outcome:\n" + table);
        assertTrue(c.stored() > 0 && c.stored() >= c.inputs() * 8 / 10, "most inputs stored:\n" + table);
        if ("2".equals(id)) {
            assertEquals(0, c.repeats(), "two workers: no image processed twice to completion:\n" + table);
        }
    }

    /**
     * Scenario 6 (aerial): a worker SIGKILLed while gdalwarp runs and with a COG's PUT in flight, PostGIS stopped
     * and started again. Every good upload one valid COG with one tile-index row and a mapfile MapServer renders,
     * every bad one its error record, nothing else (no extra COG or row, nothing left in scratch).
     */
    @Test
    void aerialKillsAndAPostgisRestartLoseAndDuplicateNothing() throws Exception {
        checkAerial("6");
    }

    /** Scenario 7's aerial part: the scratch folder (a small tmpfs, so root) too full for a warp for a while. */
    @Test
    void aerialScratchFullLosesAndDuplicatesNothing() throws Exception {
        Assumptions.assumeTrue(ScratchFs.available(dir.resolve("probe")), "mounting a tmpfs needs root");
        checkAerial("7a");
    }

    private void checkAerial(String id) throws Exception {
        ScenarioRun.Result r = FaultsCommand.runAll(List.of(id), false, dir).get(0);
        String table = FaultsCommand.table(List.of(r));
        Ledger.Counts c = r.counts();
        assertTrue(r.drained(), "drained within the bound:\n" + table);
        assertEquals(List.of(), r.problems(), table);
        assertEquals(0, c.lost(), table);
        assertEquals(0, c.duplicated(), table);
        // the corpus: two uploads deserve an error record (not a TIFF, no CRS); every other one becomes a COG
        assertEquals(java.util.Map.of("RasterRejectedException", 2), c.deadLettered(), table);
        assertEquals(c.inputs() - 2, c.stored(), table);
    }
}
