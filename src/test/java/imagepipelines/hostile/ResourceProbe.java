package imagepipelines.hostile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Live threads and open file descriptors of this JVM (/proc/self/fd), for the hostile corpus's leak check.
 *
 * <p>The tolerance: the stack's pools (Camel worker threads, exiftool processes and their pipes, the S3 and HTTP
 * clients' keep-alive connections, whose two ends both live in this JVM, so 2 descriptors each) grow to a size set
 * by concurrency, not by the number of inputs. The tests first push a warm-up burst through the same routes at the
 * same concurrency and take the baseline after it; in the runs measured the counts then moved by -14 to +5 threads
 * and -14 to +12 descriptors (a few pool threads or keep-alive connections more or fewer). A leak of one thread or
 * one descriptor per hostile input exceeds the tolerance in the ingest (41 inputs) and faces (24) corpora; the aerial
 * corpus (14) catches a thread per input, and a descriptor per input only with the GDAL work's own descriptors
 * (a leaked dataset holds several).
 */
record ResourceProbe(int threads, long fds) {

    static final int THREAD_TOLERANCE = 10;
    static final int FD_TOLERANCE = 16;

    static ResourceProbe now() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return new ResourceProbe(ManagementFactory.getThreadMXBean().getThreadCount(), s.count());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The counts once they have settled for a moment: the baseline a corpus run is compared with. */
    static ResourceProbe baseline() throws InterruptedException {
        return settle(now(), 3_000);
    }

    /** Waits up to {@code millis} for the counts to come back within the tolerance of {@code base}; the last sample. */
    static ResourceProbe settle(ResourceProbe base, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        ResourceProbe now = now();
        while (!now.within(base) && System.currentTimeMillis() < deadline) {
            System.gc(); // unreachable streams and sockets close their descriptors when collected
            Thread.sleep(500);
            now = now();
        }
        return now;
    }

    boolean within(ResourceProbe base) {
        return threads <= base.threads + THREAD_TOLERANCE && fds <= base.fds + FD_TOLERANCE;
    }

    String versus(ResourceProbe base) {
        return String.format("threads %d -> %d (tolerance +%d), open file descriptors %d -> %d (tolerance +%d)",
                base.threads, threads, THREAD_TOLERANCE, base.fds, fds, FD_TOLERANCE);
    }
}
