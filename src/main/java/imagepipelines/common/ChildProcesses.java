package imagepipelines.common;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Programs this JVM starts (GDAL, exiftool) end when the JVM ends, also when it is SIGKILLed: they are started
 * through util-linux's {@code setpriv --pdeathsig KILL}, so the kernel kills them when their parent goes. Without
 * it a killed worker leaves a {@code gdalwarp} running on alone, and every {@code exiftool -stay_open} it had keeps
 * polling its closed stdin for ever. Where there is no setpriv (not Linux) a command runs as it is.
 */
public final class ChildProcesses {

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    /**
     * The kernel's "parent" of a child is the thread that started it: a program meant to outlive the request that
     * needed it (a pooled exiftool) is started by this thread, which lives as long as the JVM.
     */
    private static final ExecutorService LONG_LIVED_STARTER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "child-process-starter");
        t.setDaemon(true);
        return t;
    });

    private ChildProcesses() {
    }

    /** {@code command} wrapped so that its program dies with this JVM (the thread that starts it, to be exact). */
    public static List<String> diesWithThisJvm(List<String> command) {
        if (!Files.isExecutable(SETPRIV) || !executable(command.get(0))) {
            return command; // a missing program fails to start with its own name in the message
        }
        List<String> wrapped = new ArrayList<>(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Starts a long-running program that dies with this JVM, but not with the (pool or consumer) thread that asked
     * for it.
     */
    public static Process startForTheJvmsLifetime(List<String> command) throws IOException {
        Future<Process> started = LONG_LIVED_STARTER.submit(() -> new ProcessBuilder(diesWithThisJvm(command)).start());
        try {
            return started.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while starting " + command.get(0));
        }
    }

    private static boolean executable(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
