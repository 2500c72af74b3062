package imagepipelines.aerial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

import org.gdal.gdal.gdal;

/**
 * Refuses a job that can never fit the scratch disk: its download, or its download and gdalwarp's uncompressed
 * output together, larger than the whole disk. A disk that is only full now is retried and then redelivered
 * ({@link ScratchFullException}); one smaller than the job at any time would make the event come back until the
 * queue's DLQ took it, where no reason is written, so that job gets an error record instead. The figures are lower
 * bounds (pixels x bands x sample size, no headers, no COG), so a job that could fit is never refused.
 */
public class ScratchCapacity {

    private final Path dir;
    private final LongSupplier diskBytes;

    /** @param dir {@code pipelines.scratch-dir} */
    public ScratchCapacity(String dir) {
        this.dir = Path.of(dir);
        this.diskBytes = this::totalSpace;
    }

    /** With the disk's size given (tests). */
    ScratchCapacity(Path dir, LongSupplier diskBytes) {
        this.dir = dir;
        this.diskBytes = diskBytes;
    }

    /** Before the upload is downloaded into scratch. */
    public void checkDownload(AerialJob job) {
        refuseAbove(job.size(), "the " + mb(job.size()) + " MB download");
    }

    /**
     * Before gdalwarp writes into scratch, where the download (when there is one) already is; gdal_translate then
     * writes the COG's overviews uncompressed beside the warped copy (a quarter of it at least).
     */
    public void checkWarp(AerialJob job) {
        long download = job.localSource() == null ? 0 : job.size(); // the whole object, downloaded
        long warp = warpedBytes(job.sourceInfo(), job.key().bandMode());
        long overviews = BandPlan.of(job.sourceInfo(), job.key().bandMode()).overviews() > 0 ? warp / 4 : 0;
        refuseAbove(download + warp + overviews, (download > 0 ? "the " + mb(download) + " MB download, " : "")
                + "gdalwarp's " + mb(warp) + " MB uncompressed output"
                + (overviews > 0 ? " and the COG's " + mb(overviews) + " MB uncompressed overviews" : ""));
    }

    /** Pixels of the warped grid x the bands kept x their sample size: the least the scratch GeoTIFF takes. */
    static long warpedBytes(RasterInfo src, BandMode mode) {
        BandPlan plan = BandPlan.of(src, mode);
        int[] size = CogCommand.warpedSize(src, mode);
        String type = src.band(plan.bands().get(0)).dataType();
        long sampleBytes = Math.max(1, gdal.GetDataTypeSize(gdal.GetDataTypeByName(type)) / 8);
        return (long) size[0] * size[1] * plan.bands().size() * sampleBytes;
    }

    static long mb(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    private void refuseAbove(long needed, String what) {
        long disk = diskBytes.getAsLong();
        if (needed > disk) {
            throw new ScratchTooSmallException(what, needed, disk);
        }
    }

    private long totalSpace() {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        try {
            return Files.getFileStore(p == null ? Path.of("/") : p).getTotalSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of the scratch disk " + dir, e);
        }
    }
}
