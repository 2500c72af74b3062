package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Argument lists only; {@link CogConverterTest} runs them. */
class CogCommandTest {

    private static final Path IN = Path.of("/data/in.tif");
    private static final Path OUT = Path.of("/data/out.tif");
    private static final Path SCRATCH = Path.of("/scratch/warped.tif");

    @Test
    void overviewLevelsReach64WhenTheSizeAllows() {
        assertEquals(List.of(2, 4, 8, 16, 32, 64), CogCommand.overviewLevels(20000, 9000));
        assertEquals(List.of(2, 4, 8, 16, 32), CogCommand.overviewLevels(7910, 7180));
        assertEquals(List.of(2, 4, 8), CogCommand.overviewLevels(1024, 1024));
        assertEquals(List.of(2, 4), CogCommand.overviewLevels(791, 718));
        assertEquals(List.of(), CogCommand.overviewLevels(20, 20));
    }

    @Test
    void utmSourceIsWarpedOnceIntoAnUncompressedTiledScratchFileThenTranslatedToACog() {
        RasterInfo rgb = info(false, 32618, band("Byte", 0.0), band("Byte", 0.0), band("Byte", 0.0));
        List<List<String>> cmds = CogCommand.commands(rgb, BandMode.NC, IN, SCRATCH, OUT, "near");
        assertEquals(2, cmds.size());
        List<String> warp = cmds.get(0);
        assertEquals("gdalwarp", warp.get(0));
        assertPair(warp, "-t_srs", "EPSG:3857");
        assertPair(warp, "-r", "near");
        assertPair(warp, "-of", "GTiff");
        assertCo(warp, "TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "BIGTIFF=IF_SAFER");
        assertFalse(String.join(" ", warp).contains("COMPRESS"), "the scratch file is written uncompressed");
        assertFalse(warp.contains("COG"), "gdalwarp -of COG would warp every pixel twice");
        assertTrue(warp.contains("-dstalpha"), "nodata becomes an alpha band, then the mask for JPEG");
        assertPair(warp, "-dstnodata", "None");
        assertEquals(List.of(IN.toString(), SCRATCH.toString()), warp.subList(warp.size() - 2, warp.size()),
                "3 bands of 3: no band selection needed");

        List<String> cog = cmds.get(1);
        assertEquals(List.of("gdal_translate", "-of", "COG"), cog.subList(0, 3));
        assertCo(cog, "COMPRESS=JPEG", "QUALITY=85", "OVERVIEW_QUALITY=85", "BLOCKSIZE=512",
                "OVERVIEW_RESAMPLING=AVERAGE", "NUM_THREADS=ALL_CPUS", "OVERVIEW_COUNT=2", "BIGTIFF=IF_SAFER");
        assertFalse(cog.contains("-b"), "the scratch file holds the chosen bands (and alpha) only");
        assertEquals(List.of("--config", "COG_TMP_COMPRESSION", "NONE"), cog.subList(cog.size() - 5, cog.size() - 2),
                "temporary overview files uncompressed");
        assertEquals(List.of(SCRATCH.toString(), OUT.toString()), cog.subList(cog.size() - 2, cog.size()));
    }

    @Test
    void theScratchGridIsGdalwarpsOwnWidenedToAMultipleOfTwoToTheOverviewCount() {
        // gdalwarp's grid for the sample: 803x736 from (100000, 5000000), 30 m; 2 overview levels -> multiple of 4
        double[] gt = {100000, 30, 0, 5000000, 0, -30};
        RasterInfo rgb = withGrid(info(false, 32618, band("Byte", 0.0), band("Byte", 0.0), band("Byte", 0.0)), gt);
        assertEquals(List.of(804, 736), asList(CogCommand.warpedSize(rgb, BandMode.NC)));
        List<String> warp = CogCommand.warpToScratch(rgb, BandMode.NC, IN, SCRATCH, "near");
        int te = warp.indexOf("-te");
        assertEquals(List.of("100000.0", Double.toString(5000000 - 736 * 30.0), Double.toString(100000 + 804 * 30.0),
                "5000000.0"), warp.subList(te + 1, te + 5), "same origin and pixel size, wider to the right");
        assertPair(warp, "-ts", "804");
        assertEquals("736", warp.get(warp.indexOf("-ts") + 2));
        // the COG step keeps its 2 overviews: 804x736 -> 402x368 -> 201x184
        assertCo(CogCommand.commands(rgb, BandMode.NC, IN, SCRATCH, OUT, "near").get(1), "OVERVIEW_COUNT=2");

        // no grid known (or a rotated one): gdalwarp's own size, no -te/-ts
        RasterInfo noGrid = info(false, 32618, band("Byte", 0.0), band("Byte", 0.0), band("Byte", 0.0));
        assertEquals(List.of(803, 736), asList(CogCommand.warpedSize(noGrid, BandMode.NC)));
        assertFalse(CogCommand.warpToScratch(noGrid, BandMode.NC, IN, SCRATCH, "near").contains("-te"));
        RasterInfo rotated = withGrid(noGrid, new double[] {100000, 30, 1, 5000000, 1, -30});
        assertFalse(CogCommand.warpToScratch(rotated, BandMode.NC, IN, SCRATCH, "near").contains("-te"));
        // a size that is a multiple already: nothing to add
        RasterInfo even = new RasterInfo(IN, "GTiff", 791, 718, rgb.bands(), 32618, "WKT", false,
                rgb.footprint3857(), 800, 736, gt);
        assertFalse(CogCommand.warpToScratch(even, BandMode.NC, IN, SCRATCH, "near").contains("-te"));
    }

    private static RasterInfo withGrid(RasterInfo i, double[] gt) {
        return new RasterInfo(i.file(), i.driver(), i.width(), i.height(), i.bands(), i.epsg(), i.wkt(), i.is3857(),
                i.footprint3857(), i.warpedWidth(), i.warpedHeight(), gt);
    }

    private static List<Integer> asList(int[] a) {
        return List.of(a[0], a[1]);
    }

    @Test
    void reprojectionResamplingIsConfigurableAndChecked() {
        RasterInfo rgb = info(false, 32618, band("Byte", null), band("Byte", null), band("Byte", null));
        assertPair(CogCommand.warpToScratch(rgb, BandMode.NC, IN, SCRATCH, "bilinear"), "-r", "bilinear");
        assertPair(CogCommand.warpToScratch(rgb, BandMode.NC, IN, SCRATCH, " Cubic "), "-r", "cubic");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CogCommand.warpToScratch(rgb, BandMode.NC, IN, SCRATCH, "bilinaer"));
        assertTrue(e.getMessage().contains("bilinaer") && e.getMessage().contains("near"), e.getMessage());
        assertEquals("near", CogCommand.DEFAULT_RESAMPLING);
    }

    @Test
    void bwIn3857IsTranslatedWithBand1AndDeflatePredictor2WithoutScratch() {
        RasterInfo shade = info(true, 3857, band("Byte", 255.0));
        assertFalse(CogCommand.warps(shade, BandMode.BW));
        List<List<String>> cmds = CogCommand.commands(shade, BandMode.BW, IN, SCRATCH, OUT, "near");
        assertEquals(1, cmds.size());
        List<String> cmd = cmds.get(0);
        assertEquals("gdal_translate", cmd.get(0));
        assertPair(cmd, "-b", "1");
        assertFalse(cmd.contains("-t_srs"));
        assertFalse(cmd.contains("-a_nodata"), "a valid nodata value is kept as it is");
        assertCo(cmd, "COMPRESS=DEFLATE", "PREDICTOR=2", "OVERVIEW_PREDICTOR=2", "BLOCKSIZE=512",
                "OVERVIEW_RESAMPLING=AVERAGE", "NUM_THREADS=ALL_CPUS");
        assertFalse(cmd.contains("COMPRESS=JPEG"));
        assertEquals(IN.toString(), cmd.get(cmd.size() - 2));
        assertThrows(IllegalStateException.class,
                () -> CogCommand.warpToScratch(shade, BandMode.BW, IN, SCRATCH, "near"));
        assertThrows(IllegalStateException.class,
                () -> CogCommand.translateToCog(shade, BandMode.BW, SCRATCH, true, OUT));
    }

    @Test
    void ncIn3857WithoutNodataIsTranslatedWithThreeBands() {
        RasterInfo rgb = info(true, 3857, band("Byte", null), band("Byte", null), band("Byte", null),
                band("Byte", null));
        List<List<String>> cmds = CogCommand.commands(rgb, BandMode.NC, IN, SCRATCH, OUT, "near");
        assertEquals(1, cmds.size());
        assertEquals("gdal_translate", cmds.get(0).get(0));
        assertEquals(List.of("-b", "1", "-b", "2", "-b", "3"), cmds.get(0).subList(3, 9));
    }

    @Test
    void ncIn3857WithNodataKeepsItsGridInTheWarp() {
        RasterInfo rgb = info(true, 3857, band("Byte", 0.0), band("Byte", 0.0), band("Byte", 0.0));
        List<String> warp = CogCommand.commands(rgb, BandMode.NC, IN, SCRATCH, OUT, "bilinear").get(0);
        assertEquals("gdalwarp", warp.get(0));
        assertFalse(warp.contains("-t_srs"), "same grid");
        assertFalse(warp.contains("-r"), "nothing is resampled on the same grid");
        assertTrue(warp.contains("-dstalpha"));
    }

    @Test
    void bwFromThreeBandsWarpsBandOneThroughAVrtConnection() {
        RasterInfo rgb = info(false, 32618, band("Byte", null), band("Byte", null), band("Byte", null));
        List<List<String>> cmds = CogCommand.commands(rgb, BandMode.BW, IN, SCRATCH, OUT, "near");
        List<String> warp = cmds.get(0);
        assertEquals("gdalwarp", warp.get(0));
        assertEquals("vrt://" + IN + "?bands=1", warp.get(warp.size() - 2));
        assertPair(warp, "-dstnodata", "0");
        assertFalse(warp.contains("-dstalpha"), "bw keeps a nodata value (DEFLATE is lossless)");
        assertFalse(cmds.get(1).contains("-b"));
        assertCo(cmds.get(1), "COMPRESS=DEFLATE", "PREDICTOR=2");
    }

    @Test
    void nodataTheBandCannotHoldIsDroppedNotCopied() {
        RasterInfo bad = info(true, 3857, band("Byte", 256.0));
        List<String> cmd = CogCommand.commands(bad, BandMode.BW, IN, SCRATCH, OUT, "near").get(0);
        assertPair(cmd, "-a_nodata", "none");
        assertFalse(String.join(" ", cmd).contains("256"));
        RasterInfo badUtm = info(false, 32611, band("Byte", 256.0));
        List<List<String>> cmds = CogCommand.commands(badUtm, BandMode.BW, IN, SCRATCH, OUT, "near");
        assertPair(cmds.get(0), "-srcnodata", "None");
        assertPair(cmds.get(0), "-dstnodata", "0");
        assertFalse(String.join(" ", cmds.get(0)).contains("256") || String.join(" ", cmds.get(1)).contains("256"));
    }

    @Test
    void alphaFourthBandIsKeptAsMaskOtherFourthBandsAreDropped() {
        RasterInfo rgba = info(false, 32618, band("Byte", null), band("Byte", null), band("Byte", null),
                new RasterInfo.BandInfo(4, "Byte", "Alpha", null));
        List<String> warp = CogCommand.warpToScratch(rgba, BandMode.NC, IN, SCRATCH, "near");
        assertEquals(IN.toString(), warp.get(warp.size() - 2));
        RasterInfo rgbn = info(false, 32618, band("Byte", null), band("Byte", null), band("Byte", null),
                band("Byte", null));
        warp = CogCommand.warpToScratch(rgbn, BandMode.NC, IN, SCRATCH, "near");
        assertEquals("vrt://" + IN + "?bands=1,2,3", warp.get(warp.size() - 2));
    }

    @Test
    void sixteenBitNcIsRejectedAndSixteenBitBwKept() {
        RasterInfo rgb16 = info(false, 32618, band("UInt16", null), band("UInt16", null), band("UInt16", null));
        RasterRejectedException e = assertThrows(RasterRejectedException.class,
                () -> CogCommand.warps(rgb16, BandMode.NC));
        assertTrue(e.getMessage().contains("UInt16") && e.getMessage().contains("8-bit"), e.getMessage());
        assertThrows(RasterRejectedException.class,
                () -> CogCommand.commands(rgb16, BandMode.NC, IN, SCRATCH, OUT, "near"));
        List<String> cmd = CogCommand.commands(info(true, 3857, band("UInt16", null)), BandMode.BW, IN, SCRATCH, OUT,
                "near").get(0);
        assertFalse(cmd.contains("-ot"));
        assertCo(cmd, "COMPRESS=DEFLATE", "PREDICTOR=2");
        assertThrows(RasterRejectedException.class,
                () -> CogCommand.warps(info(true, 3857, band("Float32", null)), BandMode.BW));
        assertThrows(RasterRejectedException.class,
                () -> CogCommand.warps(info(true, 3857, band("Byte", null)), BandMode.NC));
    }

    @Test
    void threePassChainIsTheOriginalsCommandsWithOurResampling() {
        RasterInfo shade = info(true, 3857, band("Byte", 255.0));
        List<List<String>> cmds = CogCommand.threePassChain(shade, BandMode.BW, IN, Path.of("/w"), OUT, "near");
        assertEquals(3, cmds.size());
        assertEquals("gdal_translate", cmds.get(0).get(0));
        assertTrue(cmds.get(0).containsAll(List.of("TILED=YES", "BLOCKXSIZE=512", "COMPRESS=DEFLATE", "PREDICTOR=2")));
        assertEquals(List.of("gdaladdo", "-ro", "-r", "average", "/w/compressed.tif", "2", "4", "8", "16", "32",
                "64"), cmds.get(1));
        assertEquals(List.of("gdal_translate", "-of", "COG"), cmds.get(2).subList(0, 3));
        RasterInfo utm = info(false, 32618, band("Byte", null), band("Byte", null), band("Byte", null));
        List<List<String>> utmCmds = CogCommand.threePassChain(utm, BandMode.NC, IN, Path.of("/w"), OUT, "bilinear");
        assertEquals(4, utmCmds.size());
        assertPair(utmCmds.get(0), "-r", "bilinear");
    }

    private static RasterInfo.BandInfo band(String type, Double noData) {
        return new RasterInfo.BandInfo(0, type, "Undefined", noData);
    }

    private static RasterInfo info(boolean is3857, int epsg, RasterInfo.BandInfo... bands) {
        List<RasterInfo.BandInfo> list = new ArrayList<>();
        for (int i = 0; i < bands.length; i++) {
            RasterInfo.BandInfo b = bands[i];
            list.add(new RasterInfo.BandInfo(i + 1, b.dataType(), b.colorInterpretation(), b.noData()));
        }
        Footprint fp = Footprint.of(new Envelope(0, 0, 100, 100));
        return new RasterInfo(IN, "GTiff", 791, 718, list, epsg, "WKT", is3857, fp, 803, 736, null);
    }

    private static void assertPair(List<String> cmd, String option, String value) {
        for (int i = 0; i < cmd.size() - 1; i++) {
            if (cmd.get(i).equals(option) && cmd.get(i + 1).equals(value)) {
                return;
            }
        }
        throw new AssertionError(option + " " + value + " not in " + cmd);
    }

    private static void assertCo(List<String> cmd, String... options) {
        for (String o : options) {
            assertPair(cmd, "-co", o);
        }
    }
}
