package imagepipelines.aerial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scratch folder per upload under {@code <dir>/aerial}, removed on success and failure alike. A process killed
 * mid-job (SIGKILL, the OOM killer) removes nothing, and a scratch volume that outlives the process (a Kubernetes
 * emptyDir across a container restart, a host folder) would keep its download and warped copy for ever: each
 * folder holds a lock file locked by its process while the job runs, and at start the folders whose lock nobody
 * holds any more are removed.
 */
public class ScratchSpace {

    private static final Logger LOG = LoggerFactory.getLogger(ScratchSpace.class);
    static final String LOCK = ".owner.lock";
    /** A folder without its lock file this old is left over too (killed between creating it and locking it). */
    private static final Duration UNLOCKED_GRACE = Duration.ofMinutes(1);
    /** The folders of this JVM's jobs and their locks (a lock file is never opened twice in one JVM). */
    private static final Map<Path, FileChannel> HELD = new ConcurrentHashMap<>();

    private final Path root;
    private final boolean readFromS3;

    /**
     * @param dir        {@code pipelines.scratch-dir}
     * @param readFromS3 GDAL reads the upload through {@code /vsis3/}; false: it is downloaded into scratch first
     */
    public ScratchSpace(String dir, boolean readFromS3) {
        this.root = Path.of(dir, "aerial");
        this.readFromS3 = readFromS3;
        removeLeftovers();
    }

    /** Removes the job folders whose process is gone (their lock is free); returns how many. */
    public int removeLeftovers() {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> jobs = Files.list(root)) {
            for (Path job : jobs.filter(p -> p.getFileName().toString().startsWith("job-")).toList()) {
                if (!HELD.containsKey(job) && abandoned(job)) {
                    removed.add(job);
                }
            }
        } catch (IOException e) {
            LOG.warn("scratch folder {} not checked for leftovers: {}", root, e.getMessage());
        }
        if (!removed.isEmpty()) {
            LOG.warn("removed {} scratch folder(s) left by a process that stopped mid-job: {}", removed.size(), removed);
        }
        return removed.size();
    }

    /** Deletes the folder when no process holds its lock; false when its job is still running somewhere. */
    private static boolean abandoned(Path job) throws IOException {
        Path lock = job.resolve(LOCK);
        if (!Files.exists(lock)) {
            if (Files.getLastModifiedTime(job).toInstant().isAfter(Instant.now().minus(UNLOCKED_GRACE))) {
                return false;
            }
            deleteTree(job);
            return true;
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return false;
            }
            deleteTree(job);
            return true;
        } catch (OverlappingFileLockException | java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    /** Makes the upload's scratch folder; GDAL will read the upload from S3 unless the routes download it. */
    public void prepare(AerialJob job) {
        // a retry of the fetch (a download that failed: S3 away, disk full) starts over: the try before leaves nothing
        cleanup(job);
        try {
            Files.createDirectories(root);
            Path dir = Files.createTempDirectory(root, "job-" + UUID.randomUUID().toString().substring(0, 8) + "-");
            FileChannel lock = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            lock.lock();
            HELD.put(dir, lock);
            job.scratchDir(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create scratch space under " + root, e);
        }
        if (readFromS3) {
            job.source(GdalS3Access.vsis3(job.bucket(), job.rawKey()));
        }
    }

    /** After the COG is written: the uncompressed warp copy is not needed any more (frees its disk space at once). */
    public void discardWarped(AerialJob job) {
        deleteQuietly(job.warpedFile());
    }

    /** Deletes the upload's scratch folder. */
    public void cleanup(AerialJob job) {
        if (job == null || job.scratchDir() == null) {
            return;
        }
        Path dir = job.scratchDir();
        try {
            deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("scratch folder {} not fully removed: {}", dir, e.getMessage());
        } finally {
            FileChannel lock = HELD.remove(dir);
            if (lock != null) {
                try {
                    lock.close();
                } catch (IOException ignored) {
                    // closing releases the lock; the file is gone already
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(ScratchSpace::deleteQuietly);
        } catch (java.nio.file.NoSuchFileException gone) {
            // removed already
        }
    }

    public Path root() {
        return root;
    }

    static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // scratch: nothing else to do
        }
    }
}
