package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lower bounds ScratchCapacity refuses on, against GDAL's own figures for the sample. */
class ScratchCapacityTest {

    @TempDir
    Path dir;

    @Test
    void theWarpEstimateIsTheWarpedGridTimesTheBandsAndAtMostWhatGdalwarpWrites() throws Exception {
        Path sample = dir.resolve("rgb.tif");
        Files.write(sample, imagepipelines.testsupport.TestPipelines.resource("/geotiff/rgb-3band-utm18.tif"));
        RasterInfo info = new RasterInspector().inspect(sample);
        int[] size = CogCommand.warpedSize(info, BandMode.NC);
        assertEquals((long) size[0] * size[1] * 3, ScratchCapacity.warpedBytes(info, BandMode.NC));
        Path warped = dir.resolve("warped.tif");
        GdalCommandRunner.Result r = new GdalCommandRunner().run(CogCommand.warpToScratch(info, BandMode.NC, sample,
                warped, "near"));
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(Files.size(warped) >= ScratchCapacity.warpedBytes(info, BandMode.NC),
                "a lower bound: " + Files.size(warped));
    }

    @Test
    void aDiskOfExactlyTheNeededSizeIsEnoughAndOneByteLessIsNot() throws Exception {
        AerialJob job = new UploadClassifier().classify("b", "nc/A/B_1950/mosaic/georef/x.tif");
        job.size(1000);
        new ScratchCapacity(dir, () -> 1000).checkDownload(job);
        ScratchTooSmallException e = assertThrows(ScratchTooSmallException.class,
                () -> new ScratchCapacity(dir, () -> 999).checkDownload(job));
        assertTrue(e.getMessage().startsWith("needs at least 1 MB of scratch disk (the 1 MB download)"),
                e.getMessage());
    }
}
