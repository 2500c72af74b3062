package imagepipelines.testsupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The launcher's main class ({@code imagepipelines.cli.Cli}) in a separate JVM with this test's class path, as a
 * container runs it: configured by environment variables, output to a log file, stopped with a real SIGTERM
 * ({@link Process#destroy()}) or SIGKILL ({@link Process#destroyForcibly()}).
 */
public final class ChildJvm implements AutoCloseable {

    public final String name;
    public final Path logFile;
    private final Process process;

    private ChildJvm(String name, Path logFile, Process process) {
        this.name = name;
        this.logFile = logFile;
        this.process = process;
    }

    /** Starts {@code Cli <args>} with the given environment added; output goes to {@code <dir>/<name>.log}. */
    public static ChildJvm start(Path dir, String name, List<String> args, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC",
                "-Djava.library.path=" + System.getProperty("java.library.path"),
                "--add-modules", "jdk.incubator.vector,jdk.incubator.foreign", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "imagepipelines.cli.Cli"));
        cmd.addAll(args);
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return new ChildJvm(name, log, pb.start());
    }

    /** The environment variable a property is read from (Settings: upper case, '.' and '-' become '_'). */
    public static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The properties as environment variables. */
    public static Map<String, String> asEnv(Map<String, String> props) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        props.forEach((k, v) -> env.put(envName(k), v));
        return env;
    }

    /**
     * The environment of an ingest-only {@code run} on a stack started by the test ({@code stack}: its properties):
     * local profile without its own embedded stack, the SQS intake on and the bucket poller off, the HTTP server on
     * {@code port}, scratch space under {@code dir}, the test operator token.
     */
    public static Map<String, String> ingestWorkerEnv(Map<String, String> stack, Path dir, int port) {
        Map<String, String> env = new java.util.HashMap<>(asEnv(stack));
        env.put("CAMEL_MAIN_PROFILE", "local");
        env.put("PIPELINES_LOCAL_ENABLED", "false");
        env.put("PIPELINES_STAGE", "test");
        env.put("PIPELINES_WORKFLOWS", "ingest");
        env.put("PIPELINES_SCRATCH_DIR", dir.resolve("scratch").toString());
        env.put("PIPELINES_OPERATOR_SECRET", TestPipelines.OPERATOR_TOKEN);
        env.put("CAMEL_SERVER_PORT", String.valueOf(port));
        env.put("CAMEL_MANAGEMENT_PORT", String.valueOf(port));
        env.put("INGEST_INTAKE_SQS_ENABLED", "true");
        env.put("INGEST_INTAKE_POLL_ENABLED", "false");
        env.put("BULK_TRACK_ENABLED", "false");
        return env;
    }

    /**
     * The stack such a worker runs on, started by the test in {@code dir}: the four ingest buckets and the S3-event
     * queue {@code queue} with its DLQ (5 receives, 720 s visibility).
     */
    public static imagepipelines.local.LocalStack ingestStack(Path dir, String queue) throws Exception {
        imagepipelines.local.LocalStack stack = imagepipelines.local.LocalStack.start(dir.resolve("local"));
        stack.createBuckets(List.of(TestPipelines.INGESTION, TestPipelines.SERVING, TestPipelines.PARKINGLOT,
                TestPipelines.DEADLETTER));
        imagepipelines.local.LocalStack.createQueueWithDeadLetter(stack.sqs(), queue, 5, 720);
        return stack;
    }

    public void awaitReady(int port, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(process.isAlive(), name + " exited during start-up: " + log());
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/observe/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " not ready in " + timeout + ": " + log());
    }

    /** Waits until the log contains {@code text}. */
    public void awaitLog(String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log().contains(text)) {
            assertTrue(process.isAlive(), name + " exited before logging '" + text + "': " + log());
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not log '" + text + "' in " + timeout + ": " + log());
            }
            Thread.sleep(100);
        }
    }

    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM; returns the seconds until the process exited (fails if it is still running after {@code max}). */
    public double sigterm(Duration max) throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        boolean exited = process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(exited, name + " still running " + max + " after SIGTERM: " + log());
        return seconds;
    }

    /** SIGKILL, as a forced stop (OOM kill, a node lost, the grace period over). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
