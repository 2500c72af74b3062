package imagepipelines.aerial;

import java.nio.file.Path;
import java.util.Locale;

import org.gdal.gdal.Band;
import org.gdal.gdal.Dataset;
import org.gdal.gdal.gdal;

/**
 * The checks an opened raster passes before any GDAL command works on its pixels: hostile or broken uploads
 * (decompression bombs, truncated TIFFs) are refused with a {@link RasterRejectedException}, reading no pixels.
 */
final class HostileRasterChecks {

    /** Upper bound on block offsets looked at for the truncation check. */
    private static final long MAX_BLOCK_CHECKS = 2_000_000;

    /** Uncompressed bytes per byte of file above which an upload is refused; 0: no limit. */
    private final long maxCompressionRatio;

    HostileRasterChecks(long maxCompressionRatio) {
        this.maxCompressionRatio = maxCompressionRatio;
    }

    /** @param length the file's size in bytes; {@code driver} the GDAL driver's short name */
    void check(Path file, Dataset ds, String driver, long length) {
        checkCompressionRatio(file, ds, length);
        if ("GTiff".equals(driver) || "COG".equals(driver)) {
            checkNotTruncated(file, ds, length);
        }
    }

    /**
     * A GeoTIFF of 100,000 x 100,000 pixels fits in 300 KB (no tile written: GDAL reads them as zeros) or 11 MB of
     * DEFLATE'd zeros, and gdalwarp would then work on 10 gigapixels until aerial.gdal.timeout-seconds (30 min). Real
     * scans compress a few times, JPEG mosaics some tens of times: a ratio past the limit is refused before any
     * GDAL command runs.
     */
    private void checkCompressionRatio(Path file, Dataset ds, long length) {
        int width = ds.getRasterXSize();
        int height = ds.getRasterYSize();
        int count = ds.getRasterCount();
        if (maxCompressionRatio <= 0 || length <= 0) {
            return;
        }
        long sampleBytes = Math.max(1, gdal.GetDataTypeSize(ds.GetRasterBand(1).getDataType()) / 8);
        long raw = (long) width * height * count * sampleBytes;
        if (raw / length > maxCompressionRatio) {
            throw new RasterRejectedException(file, String.format(Locale.ROOT, "declares %dx%d pixels in"
                    + " %d band(s), %d bytes uncompressed, in a file of %d bytes: ratio %d:1 is past the limit of"
                    + " %d:1 (aerial.max-compression-ratio); a decompression bomb, or a raster almost without data",
                    width, height, count, raw, length, raw / length, maxCompressionRatio));
        }
    }

    /**
     * A truncated upload still opens (the header is at the start) and fails only when pixels are read. Every
     * strip/tile offset + size is compared with the file length, which costs no pixel reads.
     */
    private static void checkNotTruncated(Path file, Dataset ds, long length) {
        long checked = 0;
        for (int i = 1; i <= ds.getRasterCount(); i++) {
            Band b = ds.GetRasterBand(i);
            int bx = b.GetBlockXSize();
            int by = b.GetBlockYSize();
            int nx = (ds.getRasterXSize() + bx - 1) / bx;
            int ny = (ds.getRasterYSize() + by - 1) / by;
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    if (++checked > MAX_BLOCK_CHECKS) {
                        return;
                    }
                    String off = b.GetMetadataItem("BLOCK_OFFSET_" + x + "_" + y, "TIFF");
                    String size = b.GetMetadataItem("BLOCK_SIZE_" + x + "_" + y, "TIFF");
                    if (off == null || size == null) {
                        continue; // sparse block, or not a plain TIFF layout
                    }
                    long end = Long.parseLong(off) + Long.parseLong(size);
                    if (end > length) {
                        throw new RasterRejectedException(file, "is truncated: band " + i + " block (" + x + ","
                                + y + ") ends at byte " + end + " but the file has " + length + " bytes");
                    }
                }
            }
        }
    }
}
