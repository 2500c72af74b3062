package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

class GdalExitTest {

    private static AerialJob warping() {
        AerialJob job = new UploadClassifier().classify("b", "nc/A/B_1950/frames/georef/19500101_1-2.tif");
        job.command(List.of("gdalwarp", "-t_srs", "EPSG:3857", "in.tif", "out.tif"));
        return job;
    }

    /**
     * Fault scenario 7 (aerial part, docs/reliability.md): gdalwarp failing on a full scratch disk ("No space left on
     * device") was a GdalCommandException, so a good upload got an error record and was never tried again.
     */
    @Test
    void aGdalWriteFailingForLackOfScratchDiskIsRetriedNotAnErrorRecordForTheUpload() {
        String stderr = "ERROR 1: _tiffWriteProc:No space left on device\n"
                + "ERROR 1: TIFFAppendToStrip:Write error at scanline 512\n";
        IOException e = assertThrows(ScratchFullException.class, () -> new GdalExit().check(warping(), 1, stderr));
        assertTrue(e.getMessage().startsWith("the scratch disk is full: gdalwarp failed with ERROR 1: _tiffWriteProc:"
                + "No space left on device"), e.getMessage());
    }

    @Test
    void gdalsOwnFreeSpaceCheckIsAFullScratchDiskToo() {
        assertThrows(ScratchFullException.class, () -> new GdalExit().check(warping(), 1,
                "ERROR 3: Free disk space available is 1048576 bytes, whereas 2359296 are at least necessary."));
    }

    @Test
    void otherGdalFailuresStayTheUploadsFault() {
        GdalCommandException e = assertThrows(GdalCommandException.class, () -> new GdalExit().check(warping(), 1,
                "ERROR 1: ZIPDecode:Decoding error at scanline 0"));
        assertTrue(e.getMessage().contains("ZIPDecode"), e.getMessage());
        assertDoesNotThrow(() -> new GdalExit().check(warping(), 0, ""));
    }

    /**
     * Found by ScratchTooSmallRoutesTest: a full scratch disk while gdal_translate wrote the COG deleted the warped
     * copy as well as the half-written COG, so the retry of gdal_translate read nothing ("No such file or
     * directory": a GdalCommandException) and a good upload got an error record.
     */
    @Test
    void aFullDiskDuringTheCogStepDeletesTheHalfWrittenCogButKeepsTheWarpedCopyItsRetryReads(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        AerialJob job = new UploadClassifier().classify("b", "nc/A/B_1950/frames/georef/19500101_1-2.tif");
        java.nio.file.Path warped = java.nio.file.Files.write(dir.resolve("warped.tif"), new byte[10]);
        java.nio.file.Path cog = java.nio.file.Files.write(dir.resolve("19500101_1-2.tif"), new byte[10]);
        java.nio.file.Path ovrTmp = java.nio.file.Files.write(dir.resolve("19500101_1-2.tif.ovr.tmp"), new byte[10]);
        job.warpedFile(warped);
        job.cogFile(cog);
        job.command(List.of("gdal_translate", "-of", "COG", warped.toString(), cog.toString()));
        assertThrows(ScratchFullException.class, () -> new GdalExit().check(job, 1,
                "ERROR 1: _tiffWriteProc:No space left on device"));
        assertTrue(java.nio.file.Files.exists(warped), "the retry of gdal_translate reads it");
        assertTrue(java.nio.file.Files.notExists(cog) && java.nio.file.Files.notExists(ovrTmp),
                "the half-written COG and GDAL's temporary overviews are gone");
    }
}
