package imagepipelines.aerial;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import imagepipelines.common.ChildProcesses;
import imagepipelines.common.ReleasedAtShutdownException;
import imagepipelines.common.SqsReleaseOnShutdown;

/**
 * Runs a GDAL (or any) program from an argument list, with a time limit, and turns a failure into a message a
 * person can act on: the program, its exit code, and the {@code ERROR} lines it printed (or the tail of its
 * output). Its stdout and stderr are drained by threads of their own, so a chatty program never blocks on a full
 * pipe, and no output file is left behind when the JVM is killed while it runs.
 *
 * <p>The Camel routes may run the same argument lists through camel-exec instead.
 */
public class GdalCommandRunner {

    /** Default limit for one COG command; a 1 GB mosaic takes a few minutes on 2 cores. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    private static final int MAX_DETAIL_LINES = 12;
    /** GDAL (or other) child processes of this JVM running now (gauge pipelines_gdal_processes_running). */
    private static final java.util.concurrent.atomic.AtomicInteger RUNNING = new java.util.concurrent.atomic.AtomicInteger();
    /** Threads reading the programs' stdout and stderr (daemon: nothing to wait for at shutdown). */
    private static final ExecutorService DRAINS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "gdal-output");
        t.setDaemon(true);
        return t;
    });

    private final Duration timeout;
    private final Map<String, String> environment;

    public GdalCommandRunner() {
        this(DEFAULT_TIMEOUT, Map.of());
    }

    /**
     * @param timeout     how long one command may run before it is killed
     * @param environment extra environment variables (e.g. {@code GDAL_CACHEMAX})
     */
    public GdalCommandRunner(Duration timeout, Map<String, String> environment) {
        this.timeout = timeout;
        this.environment = Map.copyOf(environment);
    }

    /** What a finished process left behind. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr, Duration elapsed) {

        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** Runs the command; throws {@link GdalCommandException} when it cannot start, times out or exits non-zero. */
    public Result run(List<String> command) {
        Result r = runAllowingFailure(command);
        if (!r.succeeded()) {
            throw new GdalCommandException(command, "exited with code " + r.exitCode() + ": "
                    + describeFailure(r.stderr(), r.stdout()));
        }
        return r;
    }

    /** Runs the command and returns its result whatever the exit code; throws only when it cannot start or hangs. */
    public Result runAllowingFailure(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(ChildProcesses.diesWithThisJvm(command));
        pb.environment().putAll(environment);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new GdalCommandException(command, "could not be started (" + e.getMessage() + "); is it "
                    + "installed? GDAL programs come with Debian's gdal-bin (bin/setup-gdal-jni)", e);
        }
        RUNNING.incrementAndGet();
        try {
            p.getOutputStream().close();
            return await(command, p, drain(p.getInputStream()), drain(p.getErrorStream()), start);
        } catch (ReleasedAtShutdownException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (IOException e) {
            throw new GdalCommandException(command, "output could not be captured: " + e.getMessage(), e);
        } finally {
            RUNNING.decrementAndGet();
        }
    }

    /** Child processes started by any runner of this JVM that have not ended yet. */
    public static int running() {
        return RUNNING.get();
    }

    private Result await(List<String> command, Process p, Future<String> out, Future<String> err, long start)
            throws IOException {
        try {
            boolean finished;
            try {
                finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                // only a stopping application interrupts its workers: the upload is not at fault
                throw new ReleasedAtShutdownException(command.get(0) + " interrupted at shutdown");
            }
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new GdalCommandException(command, "did not finish within "
                        + String.format(java.util.Locale.ROOT, "%.1f", timeout.toMillis() / 1000.0)
                        + " s and was killed; last output: " + describeFailure(read(err), read(out)));
            }
            if (p.exitValue() != 0 && SqsReleaseOnShutdown.stoppedChildren()) {
                // killed by SqsReleaseOnShutdown after its message went back to the queue: not GDAL refusing the file
                throw new ReleasedAtShutdownException(command.get(0) + " stopped at shutdown (exit " + p.exitValue()
                        + "); its message was released for another replica");
            }
            return new Result(List.copyOf(command), p.exitValue(), read(out), read(err),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GdalCommandException(command, "was interrupted", e);
        }
    }

    /** The ERROR lines GDAL printed, else the last lines of stderr, else of stdout. */
    static String describeFailure(String stderr, String stdout) {
        List<String> errors = new ArrayList<>();
        for (String line : stderr.split("\\R")) {
            if (line.startsWith("ERROR") || line.startsWith("FAILURE")) {
                errors.add(line.strip());
            }
        }
        if (errors.isEmpty()) {
            errors = tail(stderr.isBlank() ? stdout : stderr);
        }
        if (errors.isEmpty()) {
            return "no output";
        }
        if (errors.size() > MAX_DETAIL_LINES) {
            int more = errors.size() - MAX_DETAIL_LINES;
            errors = new ArrayList<>(errors.subList(0, MAX_DETAIL_LINES));
            errors.add("(" + more + " more lines)");
        }
        return String.join(" | ", errors);
    }

    private static List<String> tail(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return new ArrayList<>(lines.subList(Math.max(0, lines.size() - MAX_DETAIL_LINES), lines.size()));
    }

    /** The whole stream as text, read on a thread of its own. */
    private static Future<String> drain(InputStream in) {
        return DRAINS.submit(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        });
    }

    /** A drained stream's text once the program has ended (its pipe then closes). */
    private static String read(Future<String> drained) throws IOException, InterruptedException {
        try {
            return drained.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            drained.cancel(true);
            throw new IOException("output still open 10 s after the program ended");
        }
    }
}
