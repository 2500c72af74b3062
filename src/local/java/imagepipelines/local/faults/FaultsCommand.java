package imagepipelines.local.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code faults [SCENARIO...] [--scale small|full] [--dir DIR]}: runs the fault scenarios (all implemented ones by
 * default), each on its own stack with workers in their own JVMs, then prints one table of every input's outcome.
 * Exit status 1 when any input was lost, is still waiting, or anything was duplicated.
 */
public final class FaultsCommand {

    private FaultsCommand() {
    }

    public static int run(List<String> args) throws Exception {
        List<String> ids = new ArrayList<>();
        boolean full = false;
        Path dir = null;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--scale" -> full = "full".equals(args.get(++i));
                case "--dir" -> dir = Path.of(args.get(++i));
                default -> ids.add(args.get(i));
            }
        }
        if (ids.isEmpty()) {
            ids.addAll(Scenarios.ALL);
        }
        for (String id : ids) {
            if (!Scenarios.ALL.contains(id)) {
                System.err.println("faults: no scenario " + id + "; implemented: " + Scenarios.ALL);
                return 2;
            }
        }
        if (dir == null) {
            dir = Files.createTempDirectory("image-pipelines-faults");
        }
        List<ScenarioRun.Result> results = runAll(ids, full, dir);
        System.out.print(table(results));
        System.out.println("scale " + (full ? "full" : "small") + "; workers' logs and data under " + dir.toAbsolutePath());
        return results.stream().allMatch(ScenarioRun.Result::ok) ? 0 : 1;
    }

    /** Runs the scenarios one after the other under {@code dir}. */
    public static List<ScenarioRun.Result> runAll(List<String> ids, boolean full, Path dir) throws Exception {
        Scenarios scenarios = new Scenarios(full, dir);
        List<ScenarioRun.Result> results = new ArrayList<>();
        for (String id : ids) {
            System.out.println("scenario " + Scenarios.TITLES.get(id) + " ...");
            results.add(scenarios.run(id));
            System.out.print(table(results.subList(results.size() - 1, results.size())));
        }
        return results;
    }

    static String table(List<ScenarioRun.Result> results) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-36s %6s %6s %-32s %6s %5s %7s %5s %7s %9s  %s%n",
                "SCENARIO", "INPUTS", "STORED", "DEAD-LETTERED (REASON)", "PARKED", "LOST", "WAITING", "DUPL", "REPEATS",
                "DRAIN", "FAULTS"));
        for (ScenarioRun.Result r : results) {
            Ledger.Counts c = r.counts();
            String dl = c.deadLetteredTotal() + (c.deadLettered().isEmpty() ? "" : " (" + c.deadLettered().entrySet()
                    .stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + ")");
            sb.append(String.format(Locale.ROOT, "%-36s %6d %6d %-32s %6d %5d %7d %5d %7d %9s  %s%n", r.scenario(),
                    c.inputs(), c.stored(), dl, c.parked(), c.lost(), c.waiting(), c.duplicated(), c.repeats(),
                    r.drained() ? String.format(Locale.ROOT, "%.1f s", r.drainSeconds()) : "NOT DRAINED", r.faults()));
            if (!c.lostKeys().isEmpty()) {
                sb.append("    lost, e.g.: ").append(c.lostKeys()).append('\n');
            }
            r.problems().forEach(p -> sb.append("    PROBLEM: ").append(p).append('\n'));
        }
        return sb.toString();
    }
}
