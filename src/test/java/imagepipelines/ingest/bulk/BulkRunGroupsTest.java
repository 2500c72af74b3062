package imagepipelines.ingest.bulk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** How the second pass groups adjacent entries into one ranged GET each. */
class BulkRunGroupsTest {

    @Test
    void adjacentEntriesAreGroupedUpToTheTargetAndAGapBreaksAGroup() {
        BulkRun run = new BulkRun("batch-0f8fad5b-d9cb-469f-a165-70867728950e", "b", "k.zip", "k.zip");
        // ten 100-byte entries in file order, listed out of order; entry 5 is not planned (skipped or refused)
        for (int i : new int[] {9, 0, 1, 2, 3, 4, 6, 7, 8}) {
            run.planned().add(planned(i, i * 100L, 100));
        }
        // 900 planned bytes, one worker: at most a quarter each (225), so two 100-byte entries per group
        List<BulkRun.Group> groups = run.groups(1, 250);
        assertEquals(List.of("0-199", "200-399", "400-499", "600-799", "800-999"), ranges(groups));
        assertEquals(List.of(0, 1), indexes(groups.get(0)));
        assertEquals(List.of(4), indexes(groups.get(2)));
        // the configured maximum wins when it is smaller
        assertEquals(List.of("0-99", "100-199", "200-299", "300-399", "400-499", "600-699", "700-799", "800-899",
                "900-999"), ranges(run.groups(1, 150)));
        // many workers: still at least one entry per group
        assertEquals(9, run.groups(64, 1 << 20).size());
    }

    @Test
    void anEntryLargerThanTheTargetIsAGroupOfItsOwn() {
        BulkRun run = new BulkRun("batch-0f8fad5b-d9cb-469f-a165-70867728950e", "b", "k.zip", "k.zip");
        run.planned().add(planned(0, 0, 10));
        run.planned().add(planned(1, 10, 5000));
        run.planned().add(planned(2, 5010, 10));
        run.planned().add(planned(3, 5020, 10));
        assertEquals(List.of("0-9", "10-5009", "5010-5029"), ranges(run.groups(1, 100)));
    }

    private static BulkRun.Planned planned(int index, long offset, long bytes) {
        ZipCatalog.Entry e = new ZipCatalog.Entry(index, new byte[0], "e" + index + ".jpg", 0, 8, 0, bytes - 30, 1000,
                offset, 0, false);
        return new BulkRun.Planned(e, "e" + index + ".jpg", "batch/e" + index + ".jpg", offset, offset + bytes - 1);
    }

    private static List<String> ranges(List<BulkRun.Group> groups) {
        return groups.stream().map(g -> g.rangeStart() + "-" + g.rangeEnd()).toList();
    }

    private static List<Integer> indexes(BulkRun.Group g) {
        return g.entries().stream().map(p -> p.entry().index()).toList();
    }
}
