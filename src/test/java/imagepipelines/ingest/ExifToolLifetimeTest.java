package imagepipelines.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pooled exiftool processes live as long as the JVM that started them: not shorter, not longer. */
class ExifToolLifetimeTest {

    @TempDir
    Path tmp;

    /**
     * Fault suite: each SIGKILLed worker left its exiftool processes behind (20 found on the machine after one
     * fault-suite run), as {@code -stay_open} keeps polling a closed stdin.
     */
    @Test
    void anExiftoolEndsWithItsJvmWhenTheJvmIsKilledInsteadOfPollingForever() throws Exception {
        Path log = tmp.resolve("child.log");
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), InChildJvm.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<ProcessHandle> exiftools = List.of();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.readString(log).contains("ready") && jvm.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            exiftools = exiftoolsUnder(jvm.toHandle());
            assertEquals(1, exiftools.size(), "the child JVM runs one exiftool: " + Files.readString(log));
            jvm.destroyForcibly();
            jvm.waitFor(30, TimeUnit.SECONDS);
            deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (exiftools.get(0).isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertFalse(exiftools.get(0).isAlive(), "exiftool ended with the JVM that started it");
        } finally {
            jvm.destroyForcibly();
            exiftools.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** The kernel's parent of a child is the thread that started it: a pool thread ending must not kill exiftool. */
    @Test
    void anExiftoolStartedForAThreadThatHasEndedKeepsRunning() throws Exception {
        try (ExifToolPool pool = new ExifToolPool("exiftool", 30_000)) {
            runOnAThreadThatEnds(pool);
            List<ProcessHandle> started = exiftoolsUnder(ProcessHandle.current());
            assertEquals(1, started.size());
            Thread.sleep(500);
            assertTrue(started.get(0).isAlive(), "exiftool outlived the thread it was started for");
            assertTrue(pool.run(List.of("-ver")).stdout().strip().matches("[0-9.]+.*"));
            assertEquals(started, exiftoolsUnder(ProcessHandle.current()), "the same process answered again");
        }
    }

    private static List<ProcessHandle> exiftoolsUnder(ProcessHandle parent) {
        return parent.descendants().filter(p -> p.info().arguments()
                .map(a -> List.of(a).stream().anyMatch(s -> s.endsWith("exiftool")) && List.of(a).contains("-stay_open"))
                .orElse(false)).toList();
    }

    /** Borrows an exiftool (started on first use) on a thread that has ended when this returns. */
    static void runOnAThreadThatEnds(ExifToolPool pool) throws InterruptedException {
        Thread borrower = new Thread(() -> {
            try {
                pool.run(List.of("-ver"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        borrower.start();
        borrower.join();
    }

    /** The child JVM: one exiftool started for a thread that then ends, then waits to be killed. */
    static final class InChildJvm {
        public static void main(String[] args) throws Exception {
            ExifToolPool pool = new ExifToolPool("exiftool", 30_000);
            runOnAThreadThatEnds(pool);
            System.out.println("ready");
            Thread.sleep(120_000);
        }
    }
}
