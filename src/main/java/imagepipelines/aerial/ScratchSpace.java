package imagepipelines.aerial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One scratch folder per upload under {@code <dir>/aerial}, removed on success and failure alike. */
public class ScratchSpace {

    private static final Logger LOG = LoggerFactory.getLogger(ScratchSpace.class);

    private final Path root;
    private final boolean readFromS3;

    /**
     * @param dir        {@code pipelines.scratch-dir}
     * @param readFromS3 GDAL reads the upload through {@code /vsis3/}; false: it is downloaded into scratch first
     */
    public ScratchSpace(String dir, boolean readFromS3) {
        this.root = Path.of(dir, "aerial");
        this.readFromS3 = readFromS3;
    }

    /** Makes the upload's scratch folder; GDAL will read the upload from S3 unless the routes download it. */
    public void prepare(AerialJob job) {
        try {
            Files.createDirectories(root);
            job.scratchDir(Files.createTempDirectory(root, "job-" + UUID.randomUUID().toString().substring(0, 8) + "-"));
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
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(ScratchSpace::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("scratch folder {} not fully removed: {}", dir, e.getMessage());
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
