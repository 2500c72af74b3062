package imagepipelines.ingest.bulk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** How the planned entries of a zip are cut into groups, each read with one ranged GET ({@link BulkRun.Group}). */
final class EntryGroups {

    private EntryGroups() {
    }

    /**
     * The planned entries in groups of adjacent ones, in file order, each group at most {@code maxGroupBytes} of the
     * zip (a single larger entry makes a group of its own) and, so that {@code workers} groups can be read at once
     * and finish together, at most a quarter of the zip's share per worker. Entries skipped or refused by the plan
     * (and entries an interrupted run already wrote) break a group, so their bytes are never read.
     */
    static List<BulkRun.Group> of(List<BulkRun.Planned> planned, int workers, long maxGroupBytes) {
        List<BulkRun.Planned> byOffset = new ArrayList<>(planned);
        byOffset.sort(Comparator.comparingLong(BulkRun.Planned::rangeStart));
        long all = 0;
        for (BulkRun.Planned p : byOffset) {
            all += p.rangeEnd() - p.rangeStart() + 1;
        }
        long target = Math.max(1, Math.min(maxGroupBytes, all / (Math.max(1, workers) * 4L)));
        List<BulkRun.Group> groups = new ArrayList<>();
        List<BulkRun.Planned> current = new ArrayList<>();
        long bytes = 0;
        for (BulkRun.Planned p : byOffset) {
            long size = p.rangeEnd() - p.rangeStart() + 1;
            boolean adjacent = !current.isEmpty() && current.get(current.size() - 1).rangeEnd() + 1 == p.rangeStart();
            if (!current.isEmpty() && (!adjacent || bytes + size > target)) {
                groups.add(new BulkRun.Group(List.copyOf(current)));
                current.clear();
                bytes = 0;
            }
            current.add(p);
            bytes += size;
        }
        if (!current.isEmpty()) {
            groups.add(new BulkRun.Group(List.copyOf(current)));
        }
        return groups;
    }
}
