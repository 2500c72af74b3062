package imagepipelines.aerial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The GDAL decisions of stages 1-4 (CONTRACTS.md §3), recorded in the job's plan: compression and overviews are
 * decided before any pixel is written, the reprojection warps once into scratch when needed, and one
 * {@code gdal_translate -of COG} writes the COG ({@link CogCommand} builds the commands).
 */
public class CogPlanner {

    private final String reprojectResampling;

    /** @param reprojectResampling gdalwarp's {@code -r} ({@code aerial.reproject.resampling}); checked at once */
    public CogPlanner(String reprojectResampling) {
        this.reprojectResampling = CogCommand.resampling(reprojectResampling);
    }

    /** Stage 2: bands and compression; a source the mode cannot take (nc 16-bit, bw float) is rejected here. */
    public void planCompression(AerialJob job) {
        AerialKey k = job.key();
        RasterInfo i = job.sourceInfo();
        // plans (and so checks) the GDAL steps; rejects with a message a person can act on
        CogCommand.warps(i, k.bandMode());
        String bands = k.bandMode() == BandMode.BW ? "band 1 of " + i.bandCount()
                : (i.bandCount() >= 4 && i.band(4).isAlpha() ? "bands 1-3 + alpha as mask" : "bands 1-3 of "
                + i.bandCount());
        job.plan().put("bands", bands);
        job.plan().put("compression", k.bandMode() == BandMode.NC ? "JPEG quality " + CogCommand.JPEG_QUALITY
                + " (YCbCr), tiles " + CogCommand.BLOCK_SIZE : "DEFLATE predictor 2, " + i.band(1).dataType()
                + ", tiles " + CogCommand.BLOCK_SIZE);
    }

    /** Stage 3: the overview factors. */
    public void planOverviews(AerialJob job) {
        RasterInfo i = job.sourceInfo();
        int w = i.is3857() ? i.width() : i.warpedWidth();
        int h = i.is3857() ? i.height() : i.warpedHeight();
        job.plan().put("overviews", CogCommand.overviewLevels(w, h) + " AVERAGE, internal");
    }

    /**
     * Stage 1 decided: is the source reprojected to EPSG:3857 (how, to what size), and does it go through the
     * scratch warp. Called after stages 2 and 3 have accepted the source, so a source that will be refused is
     * never warped.
     */
    public void planReprojection(AerialJob job) {
        RasterInfo i = job.sourceInfo();
        int[] size = CogCommand.warpedSize(i, job.key().bandMode());
        String target = size[0] + "x" + size[1] + (size[0] == i.warpedWidth() && size[1] == i.warpedHeight() ? ""
                : " (gdalwarp's " + i.warpedWidth() + "x" + i.warpedHeight() + " widened for exact 2x overviews)")
                + ", warped into scratch";
        job.plan().put("reproject", i.is3857()
                ? (CogCommand.warps(i, job.key().bandMode()) ? "none (already EPSG:3857); nodata/alpha -> alpha band "
                + "on the same grid, warped into scratch" : "none (already EPSG:3857)")
                : (i.srsString().startsWith("EPSG:") ? i.srsString() : "source CRS") + " -> EPSG:3857, "
                + reprojectResampling + ", " + target);
    }

    /**
     * Stage 1 written: sets the job's command to the {@code gdalwarp} into an uncompressed tiled GeoTIFF in its
     * scratch folder; false (and no command) when the source needs no warp (EPSG:3857 already, nothing to mask):
     * then stage 4 reads the source.
     */
    public boolean prepareWarp(AerialJob job) {
        if (!CogCommand.warps(job.sourceInfo(), job.key().bandMode())) {
            return false;
        }
        // a folder of its own: the COG is written as <scratch>/<file>, and an upload may be called warped.tif
        Path warped = job.scratchDir().resolve("warp").resolve("warped.tif");
        try {
            Files.createDirectories(warped.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + warped.getParent(), e);
        }
        job.warpedFile(warped);
        job.command(CogCommand.warpToScratch(job.sourceInfo(), job.key().bandMode(), Path.of(job.source()), warped,
                reprojectResampling));
        return true;
    }

    /**
     * Stage 4: {@code gdal_translate -of COG} with the decisions of stages 2 and 3, reading stage 1's scratch
     * file (or the source, when it needed no warp): compressed tiles, overviews and COG layout in one command.
     */
    public List<String> cogCommand(AerialJob job) {
        Path out = job.scratchDir().resolve(job.key().file());
        job.cogFile(out);
        boolean warped = job.warpedFile() != null;
        List<String> cmd = CogCommand.translateToCog(job.sourceInfo(), job.key().bandMode(),
                warped ? job.warpedFile() : Path.of(job.source()), warped, out);
        job.command(cmd);
        return cmd;
    }
}
