package imagepipelines.local.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One scenario's run: its own stack (fresh buckets and queues under its folder), its inputs, its workers, the
 * progress it waits for before each fault, and the accounting once the work has drained (or its time bound ended).
 */
final class ScenarioRun implements AutoCloseable {

    /** One row of the table; {@code problems}: what else the ledger found wrong (each fails the run). */
    record Result(String scenario, Ledger.Counts counts, double drainSeconds, boolean drained, String faults,
            List<String> problems) {
        Result(String scenario, Ledger.Counts counts, double drainSeconds, boolean drained, String faults) {
            this(scenario, counts, drainSeconds, drained, faults, List.of());
        }

        Result withProblems(List<String> found) {
            return new Result(scenario, counts, drainSeconds, drained, faults, List.copyOf(found));
        }

        boolean ok() {
            return drained && counts.lost() == 0 && counts.duplicated() == 0 && counts.waiting() == 0
                    && problems.isEmpty();
        }
    }

    final String name;
    final Path dir;
    final FaultStack stack;
    final Corpus corpus;
    private final List<Worker> workers = new ArrayList<>();
    private final List<String> faults = new ArrayList<>();
    private final List<AutoCloseable> afterWorkers = new ArrayList<>();
    private long t0;

    private final boolean full;

    ScenarioRun(String name, Path dir, boolean full) throws Exception {
        this.name = name;
        this.dir = dir;
        this.full = full;
        Files.createDirectories(dir);
        stack = new FaultStack(dir, full ? 30 : 10);
        corpus = new Corpus();
    }

    /** Starts a worker ({@code extra}: environment of that worker, e.g. a shorter API time-out). */
    Worker worker(String workerName, Map<String, String> extra) throws Exception {
        // small scale (CI): the client compiler only, for a quicker start of the short-lived worker JVMs; not for
        // faces, whose Vector API kernels only C2 compiles (C1 left a photo's encoding at over a minute)
        boolean c1 = !full && !extra.getOrDefault("PIPELINES_WORKFLOWS", "").contains("faces");
        Worker w = new Worker(workerName, dir.resolve(workerName), stack.stack.properties(), stack.visibilitySeconds,
                c1 ? List.of("-XX:TieredStopAtLevel=1") : List.of(), extra);
        synchronized (workers) {
            workers.add(w);
        }
        w.start(Duration.ofSeconds(180));
        System.out.printf("  [%s] %s ready in %.1f s%n", name, workerName, w.readySeconds());
        return w;
    }

    /** Closed after the workers have stopped (e.g. a scratch file system to unmount). */
    void afterWorkers(AutoCloseable c) {
        afterWorkers.add(c);
    }

    /** From here the time to drain is counted. */
    void started() {
        t0 = System.nanoTime();
    }

    void fault(String what) {
        faults.add(what);
        System.out.printf("  [%s %.1f s] %s%n", name, seconds(), what);
    }

    double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Waits until {@code fraction} of the inputs reached the Animl API (or the bound ends). */
    void awaitProgress(double fraction, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        int target = (int) Math.ceil(fraction * corpus.inputs().size());
        while (System.nanoTime() < deadline && Ledger.createCalls(stack.stack.api()) < target) {
            Thread.sleep(100);
        }
    }

    /**
     * Drained: the ingestion bucket has nothing the queue still holds a message for, and the queue has been empty
     * (nothing visible, in flight or delayed) for three checks in a row. Returns false when the bound ended first.
     */
    boolean awaitDrain(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        int quiet = 0;
        while (System.nanoTime() < deadline) {
            try {
                int queued = 0;
                for (String url : List.of(stack.queueUrl, stack.facesUrl, stack.facesPostsUrl)) {
                    queued += stack.queued(url);
                }
                quiet = queued == 0 ? quiet + 1 : 0;
            } catch (RuntimeException serverDown) {
                quiet = 0;
            }
            if (quiet >= 3) {
                return true;
            }
            Thread.sleep(1000);
        }
        return false;
    }

    /** Waits until {@code progress} reaches {@code target} (or the bound ends). */
    void awaitProgress(java.util.function.IntSupplier progress, int target, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline && progress.getAsInt() < target) {
            Thread.sleep(100);
        }
    }

    Result finish(boolean drained) {
        return finish(drained, Ledger.account(corpus.inputs(), stack), stack.stack.api().faults().injected());
    }

    Result finish(boolean drained, Ledger.Counts counts, Map<String, Long> api) {
        double drain = seconds() - (drained ? 3 : 0);
        List<String> all = new ArrayList<>(faults);
        if (!drained) {
            for (String url : List.of(stack.queueUrl, stack.facesUrl, stack.facesPostsUrl)) {
                all.add("left in " + url.substring(url.lastIndexOf('/') + 1) + ": " + stack.stack.sqs()
                        .getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                                software.amazon.awssdk.services.sqs.model.QueueAttributeName.ALL)).attributes()
                        .entrySet().stream().filter(e -> e.getKey().toString().startsWith("ApproximateNumber"))
                        .map(e -> e.getKey() + "=" + e.getValue()).toList());
            }
        }
        api.forEach((k, v) -> {
            if (v > 0) {
                all.add("api " + k + " " + v);
            }
        });
        return new Result(name, counts, drain, drained, String.join("; ", all));
    }

    @Override
    public void close() throws Exception {
        for (Worker w : workers) {
            w.stop();
        }
        for (AutoCloseable c : afterWorkers) {
            c.close();
        }
        stack.close();
    }
}
