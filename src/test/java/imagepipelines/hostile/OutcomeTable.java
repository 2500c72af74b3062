package imagepipelines.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The hostile corpus's accounting: every input with what it should end in, what it did end in and when. An input's
 * outcome is read from the real outputs (buckets, queues, the API stand-ins) by a probe that answers null until the
 * input has a recorded outcome. {@link #awaitAll} polls every probe until each has answered or the bound passes, then
 * the table is printed and checked: an input with no outcome in time is a hang, one whose outcome the expectation
 * refuses is a wrong outcome.
 */
final class OutcomeTable {

    record Row(String input, String expected, Predicate<String> accepts, Supplier<String> probe) { }

    private final String title;
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final Map<String, String> actual = new LinkedHashMap<>();
    private final Map<String, Long> millis = new LinkedHashMap<>();

    OutcomeTable(String title) {
        this.title = title;
    }

    /** {@code accepts} judges the actual outcome; {@code probe} answers it, or null while there is none yet. */
    void expect(String input, String expected, Predicate<String> accepts, Supplier<String> probe) {
        if (rows.put(input, new Row(input, expected, accepts, probe)) != null) {
            throw new IllegalArgumentException("input listed twice: " + input);
        }
    }

    /** Polls until every input has an outcome or {@code boundMillis} passed; returns the inputs still without one. */
    List<String> awaitAll(long boundMillis) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + boundMillis * 1_000_000;
        while (true) {
            for (Row r : rows.values()) {
                if (!actual.containsKey(r.input())) {
                    String a;
                    try {
                        a = r.probe().get();
                    } catch (RuntimeException e) {
                        a = null; // an output not readable yet
                    }
                    if (a != null) {
                        actual.put(r.input(), a);
                        millis.put(r.input(), (System.nanoTime() - t0) / 1_000_000);
                    }
                }
            }
            if (actual.size() == rows.size() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(250);
        }
        return rows.keySet().stream().filter(k -> !actual.containsKey(k)).toList();
    }

    /**
     * The end of a corpus run: waits for every outcome within {@code boundMillis}, then for the threads and file
     * descriptors to come back near {@code before}; prints the table and the counts; fails on an input without an
     * outcome in time, a wrong outcome, or a leak.
     */
    void assertAllWithin(long boundMillis, ResourceProbe before) throws InterruptedException {
        List<String> hung = awaitAll(boundMillis);
        ResourceProbe after = ResourceProbe.settle(before, 20_000);
        List<String> wrong = printAndCheck();
        System.out.println("resources after the corpus: " + after.versus(before));
        assertEquals(List.of(), hung, "inputs without an outcome within " + boundMillis + " ms");
        assertEquals(List.of(), wrong);
        assertTrue(after.within(before), after.versus(before));
    }

    /** Prints the table; returns one line per input whose outcome is missing or not the expected one. */
    List<String> printAndCheck() {
        List<String> wrong = new ArrayList<>();
        int w = Math.max(5, rows.keySet().stream().mapToInt(String::length).max().orElse(5));
        int e = Math.max(8, rows.values().stream().mapToInt(r -> r.expected().length()).max().orElse(8));
        StringBuilder sb = new StringBuilder("\n== hostile corpus: " + title + " (" + rows.size() + " inputs)\n");
        sb.append(String.format("%-" + w + "s  %-" + e + "s  %-4s  %7s  %s%n", "INPUT", "EXPECTED", "OK", "SECONDS",
                "ACTUAL OUTCOME"));
        for (Row r : rows.values()) {
            String a = actual.get(r.input());
            boolean ok = a != null && r.accepts().test(a);
            if (!ok) {
                wrong.add(r.input() + ": expected " + r.expected() + ", got " + (a == null ? "NO OUTCOME (hang)" : a));
            }
            sb.append(String.format("%-" + w + "s  %-" + e + "s  %-4s  %7s  %s%n", r.input(), r.expected(),
                    ok ? "yes" : "NO", a == null ? "-" : String.format("%.1f", millis.get(r.input()) / 1000.0),
                    a == null ? "NO OUTCOME" : oneLine(a)));
        }
        System.out.println(sb);
        return wrong;
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ");
        return t.length() > 220 ? t.substring(0, 220) + "…" : t;
    }
}
