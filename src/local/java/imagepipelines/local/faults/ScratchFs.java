package imagepipelines.local.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs as a worker's scratch folder, filled up on purpose (scenario 7), or too small for a job
 * (ScratchTooSmallRoutesTest). Mounting needs root.
 */
public final class ScratchFs {

    private ScratchFs() {
    }

    /** Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN). */
    static boolean available(Path probe) {
        try {
            mount(probe, 1);
            unmount(probe);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    public static Path mount(Path dir, int megabytes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString()));
        return dir;
    }

    public static void unmount(Path dir) throws IOException, InterruptedException {
        run(List.of("umount", "-l", dir.toString()));
    }

    /** Writes a file until the file system is full; returns it (delete it to free the space). */
    static Path fill(Path dir) throws IOException {
        Path filler = dir.resolve("filler");
        byte[] chunk = new byte[16 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            // ENOSPC: the file system is full now
        }
        return filler;
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (root needed for a tmpfs): " + out.trim());
        }
    }
}
