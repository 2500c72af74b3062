package imagepipelines.ingest;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import imagepipelines.common.ChildProcesses;

/**
 * One exiftool kept running with {@code -stay_open True -@ -}: a request costs ~5 ms instead of the ~60 ms of
 * starting Perl for every image. Not thread-safe: {@link ExifToolPool} lends one to one thread at a time.
 */
final class ExifToolProcess implements AutoCloseable {

    private final Process process;
    private final BufferedWriter commands;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> stderr = new LinkedBlockingQueue<>();
    private int sequence;

    ExifToolProcess(String executable) throws IOException {
        // -stay_open polls its stdin even after it is closed: without dying with the JVM it would outlive a killed worker
        process = ChildProcesses.startForTheJvmsLifetime(List.of(executable, "-stay_open", "True", "-@", "-"));
        commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), stdout);
        pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), stderr);
    }

    /** Output of one exiftool command (stdout, and stderr which holds warnings and errors about the file). */
    record Result(String stdout, String stderr) { }

    Result execute(List<String> args, long timeoutMillis) throws IOException {
        int n = ++sequence;
        String marker = "{ready" + n + "}";
        for (String a : args) {
            if (a.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("exiftool arguments cannot hold a newline");
            }
            commands.write(a);
            commands.write('\n');
        }
        // -echo4 writes the marker to stderr after the file is processed, so both streams can be cut at the same
        // point; -executeN ends stdout with {readyN}.
        commands.write("-echo4\n" + marker + "\n-execute" + n + "\n");
        commands.flush();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String out = readUntil(stdout, marker, deadline);
        String err = readUntil(stderr, marker, deadline);
        return new Result(out, err);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private String readUntil(BlockingQueue<String> lines, String marker, long deadline) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            String line;
            try {
                line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for exiftool", e);
            }
            if (line == null) {
                throw new IOException(process.isAlive() ? "exiftool did not answer in time" : "exiftool exited");
            }
            if (line.equals(marker)) {
                return sb.toString();
            }
            sb.append(line).append('\n');
        }
    }

    private static void pump(BufferedReader reader, BlockingQueue<String> sink) {
        Thread t = new Thread(() -> {
            try (reader) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.add(line);
                }
            } catch (IOException ignored) {
                // the process went away; the reader of the queue times out and the pool replaces the process
            }
        }, "exiftool-reader");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        try {
            commands.write("-stay_open\nFalse\n");
            commands.flush();
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroy();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
