package imagepipelines.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * CPU seconds of this process's threads, summed by group (Linux {@code /proc/self/task}). Unlike the JVM's thread
 * bean this also sees the collector's and the JIT compilers' own threads. Threads that ended are not listed: their
 * CPU is only in the process total.
 */
final class ThreadCpu {

    private ThreadCpu() {
    }

    /** GROUP maps a thread's name (as the kernel keeps it: the first 15 characters) to the group it counts in. */
    static Map<String, Double> byGroup(Function<String, String> group) {
        Map<String, Double> out = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    String[] f = Files.readString(task.resolve("stat")).replaceAll("^.*\\) ", "").split(" ");
                    double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
                    out.merge(group.apply(name), cpu, Double::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended while being read
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** AFTER − BEFORE per group (a group absent before counts from zero). */
    static Map<String, Double> minus(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Double> d = new TreeMap<>();
        after.forEach((k, v) -> d.put(k, Math.max(0, v - before.getOrDefault(k, 0.0))));
        return d;
    }

    /** The JVM's own threads: the JIT compilers, and the collector with the VM thread that runs its pauses. */
    static String jvmGroup(String name) {
        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            return "JIT compiler";
        }
        if (name.startsWith("GC Thread") || name.startsWith("VM Thread") || name.startsWith("G1")) {
            return "GC";
        }
        return null;
    }
}
