package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scratch folders per upload, and the ones a killed process left behind. */
class ScratchSpaceTest {

    @TempDir
    Path dir;

    /** A job folder as a process SIGKILLed mid-job leaves it: its lock file, nobody holding the lock. */
    private Path leftover(String name) throws Exception {
        Path job = Files.createDirectories(dir.resolve("aerial").resolve(name));
        Files.createFile(job.resolve(ScratchSpace.LOCK));
        Files.createDirectories(job.resolve("warp"));
        Files.write(job.resolve("warp/warped.tif"), new byte[4096]);
        Files.write(job.resolve("source.tif"), new byte[4096]);
        return job;
    }

    /**
     * Fault scenario 6 (docs/reliability.md): a worker SIGKILLed during gdalwarp or the COG upload left its job's
     * download and warped copy in the scratch folder for ever (on a Kubernetes emptyDir they survive the container's
     * restart and add up to the volume's size limit).
     */
    @Test
    void aScratchFolderLeftByAKilledWorkerIsRemovedAtTheNextStart() throws Exception {
        Path job = leftover("job-1234abcd-1");
        new ScratchSpace(dir.toString(), false);
        assertFalse(Files.exists(job), "the folder of the dead process is gone");
    }

    @Test
    void aScratchFolderWhoseJobStillRunsInAnotherProcessIsKept() throws Exception {
        Path job = leftover("job-1234abcd-2");
        // python's lockf is the same POSIX record lock (fcntl) as Java's FileChannel.lock
        Process other = new ProcessBuilder("python3", "-c", "import fcntl,sys,time; f=open(sys.argv[1],'w'); "
                + "fcntl.lockf(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
                job.resolve(ScratchSpace.LOCK).toString()).redirectErrorStream(true).start();
        try {
            assertEquals("locked", new BufferedReader(new InputStreamReader(other.getInputStream())).readLine());
            ScratchSpace s = new ScratchSpace(dir.toString(), false);
            assertTrue(Files.exists(job.resolve("warp/warped.tif")), "another process's running job is kept");
            other.destroyForcibly();
            other.waitFor(10, TimeUnit.SECONDS);
            assertEquals(1, s.removeLeftovers(), "once that process is gone, its folder goes");
            assertFalse(Files.exists(job));
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void aJobOfThisProcessIsKeptWhenAnotherScratchSpaceStartsOnTheSameFolder() throws Exception {
        ScratchSpace first = new ScratchSpace(dir.toString(), false);
        AerialJob job = new UploadClassifier().classify("b", "nc/A/B_1950/mosaic/georef/x.tif");
        first.prepare(job);
        Files.write(job.scratchDir().resolve("part.tif"), new byte[16]);
        ScratchSpace second = new ScratchSpace(dir.toString(), false);
        assertEquals(0, second.removeLeftovers());
        assertTrue(Files.exists(job.scratchDir().resolve("part.tif")));
        first.cleanup(job);
        assertFalse(Files.exists(job.scratchDir()));
        assertEquals(0, second.removeLeftovers());
    }

    /**
     * Fault scenario 7a at full scale: a download that failed on a full disk was retried by the error handler from
     * aerial-fetch-source, which made a new folder each time; the folders of the tries before (with their partial
     * downloads) were never removed.
     */
    @Test
    void aRetriedFetchLeavesNoFolderOfTheTryBefore() throws Exception {
        ScratchSpace s = new ScratchSpace(dir.toString(), false);
        AerialJob job = new UploadClassifier().classify("b", "nc/A/B_1950/mosaic/georef/x.tif");
        s.prepare(job);
        Path first = job.scratchDir();
        Files.write(first.resolve("partial.tif"), new byte[16]);
        s.prepare(job);
        assertFalse(Files.exists(first), "the try before is gone");
        s.cleanup(job);
        try (var left = Files.list(dir.resolve("aerial"))) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void aFolderWithoutLockFileIsLeftAloneWhileYoung() throws Exception {
        Path young = Files.createDirectories(dir.resolve("aerial").resolve("job-1234abcd-3"));
        new ScratchSpace(dir.toString(), false);
        assertTrue(Files.exists(young), "may be a job between creating its folder and locking it");
        Files.setLastModifiedTime(young, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
                - TimeUnit.MINUTES.toMillis(5)));
        new ScratchSpace(dir.toString(), false);
        assertFalse(Files.exists(young));
    }
}
