package imagepipelines.local.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import imagepipelines.local.LoopbackPorts;

/**
 * One worker: {@code image-pipelines run} in its own JVM with the production SQS intake, pointed at the fault
 * stack through environment variables only (as in a container). It can be SIGKILLed and started again.
 */
final class Worker implements AutoCloseable {

    static final String OPERATOR_TOKEN = "faults-operator-token-0123456789abcdef";

    private final String name;
    private final Path dir;
    private final Map<String, String> env;
    private Process process;
    private int port;
    private int starts;
    private double readySeconds;

    private final List<String> jvmOptions;

    Worker(String name, Path dir, Map<String, String> stackProperties, int visibilitySeconds, List<String> jvmOptions,
            Map<String, String> extra) {
        this.jvmOptions = jvmOptions;
        this.name = name;
        this.dir = dir;
        env = new LinkedHashMap<>();
        env.put("CAMEL_MAIN_PROFILE", "local");
        env.put("PIPELINES_LOCAL_ENABLED", "false");
        env.put("PIPELINES_STAGE", FaultStack.STAGE);
        env.put("PIPELINES_WORKFLOWS", "ingest");
        env.put("PIPELINES_OPERATOR_SECRET", OPERATOR_TOKEN);
        env.put("INGEST_INTAKE_SQS_ENABLED", "true");
        env.put("INGEST_INTAKE_POLL_ENABLED", "false");
        env.put("INGEST_QUEUE_VISIBILITY_SECONDS", String.valueOf(visibilitySeconds));
        env.put("INGEST_WORKERS", "2");
        env.put("BULK_WORKERS", "2");
        // retries bounded to seconds, so a scenario drains within its bound
        env.put("INGEST_RETRY_MAX_DELAY_MS", "4000");
        stackProperties.forEach((k, v) -> env.put(k.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), v));
        env.putAll(extra);
    }

    /**
     * Starts the JVM and waits until it is ready (its health check), at most {@code bound}. Its HTTP port is found
     * free here and bound there: when another process took it in between, it starts again on another.
     */
    void start(Duration bound) throws Exception {
        for (int attempt = 1; ; attempt++) {
            long logged = Files.exists(log()) ? Files.size(log()) : 0;
            try {
                startOnce(bound);
                return;
            } catch (IllegalStateException e) {
                String tail = Files.readString(log()).substring((int) logged);
                if (attempt == 3 || !(tail.contains("Address already in use") || tail.contains("Failed to bind"))) {
                    throw e;
                }
            }
        }
    }

    private void startOnce(Duration bound) throws Exception {
        port = LoopbackPorts.free();
        starts++;
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseParallelGC", "-Djava.library.path=" + System.getProperty("java.library.path"),
                // as bin/image-pipelines: the face model's Vector API kernels and libwebp
                "--add-modules", "jdk.incubator.vector,jdk.incubator.foreign", "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", classPath(), "imagepipelines.cli.Cli", "run"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        pb.environment().putAll(env);
        pb.environment().put("CAMEL_SERVER_PORT", String.valueOf(port));
        pb.environment().put("CAMEL_MANAGEMENT_PORT", String.valueOf(port));
        pb.environment().putIfAbsent("PIPELINES_SCRATCH_DIR", dir.resolve("scratch").toString());
        long t = System.nanoTime();
        process = pb.start();
        awaitReady(bound);
        readySeconds = (System.nanoTime() - t) / 1e9;
    }

    /** This JVM's class path with absolute entries: the worker runs in its own folder. */
    private static String classPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(e -> e.endsWith("*") ? Path.of(e.substring(0, e.length() - 1)).toAbsolutePath() + "/*"
                        : Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private void awaitReady(Duration bound) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited during start-up; log: " + log());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url("/observe/health/ready")))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready within " + bound.toSeconds() + " s; log: " + log());
    }

    /** SIGKILL: no shutdown hook, no release of in-flight messages, as when a node dies or the OOM killer strikes. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for the orderly stop. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** The worker's JVM now (its child processes are its descendants). */
    ProcessHandle process() {
        return process.toHandle();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    int starts() {
        return starts;
    }

    /** Seconds from the last start to ready. */
    double readySeconds() {
        return readySeconds;
    }

    Path log() {
        return dir.resolve(name + ".log");
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
