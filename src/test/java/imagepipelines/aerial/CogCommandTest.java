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

    @Test
    void overviewLevelsReach64WhenTheSizeAllows() {
        assertEquals(List.of(2, 4, 8, 16, 32, 64), CogCommand.overviewLevels(20000, 9000));
        assertEquals(List.of(2, 4, 8, 16, 32), CogCommand.overviewLevels(7910, 7180));
        assertEquals(List.of(2, 4, 8), CogCommand.overviewLevels(1024, 1024));
        assertEquals(List.of(2, 4), CogCommand.overviewLevels(791, 718));
        assertEquals(List.of(), CogCommand.overviewLevels(20, 20));
    }

    @Test
    void utmSourceIsWarpedTo3857InOneCommand() {
        RasterInfo rgb = info(false, 32618, band("Byte", 0.0), band("Byte", 0.0), band("Byte", 0.0));
        List<String> cmd = CogCommand.onePass(rgb, BandMode.NC, IN, OUT);
        assertEquals("gdalwarp", cmd.get(0));
        assertPair(cmd, "-t_srs", "EPSG:3857");
        assertPair(cmd, "-of", "COG");
        assertTrue(cmd.contains("-dstalpha"), "nodata becomes a mask for JPEG");
        assertPair(cmd, "-dstnodata", "None");
        assertCo(cmd, "COMPRESS=JPEG", "QUALITY=85", "OVERVIEW_QUALITY=85", "BLOCKSIZE=512",
                "OVERVIEW_RESAMPLING=AVERAGE", "NUM_THREADS=ALL_CPUS", "OVERVIEW_COUNT=2");
        assertEquals(IN.toString(), cmd.get(cmd.size() - 2), "3 bands of 3: no band selection needed");
        assertEquals(OUT.toString(), cmd.get(cmd.size() - 1));
    }

    @Test
    void bwIn3857IsTranslatedWithBand1AndDeflatePredictor2() {
        RasterInfo shade = info(true, 3857, band("Byte", 255.0));
        List<String> cmd = CogCommand.onePass(shade, BandMode.BW, IN, OUT);
        assertEquals("gdal_translate", cmd.get(0));
        assertPair(cmd, "-b", "1");
        assertFalse(cmd.contains("-t_srs"));
        assertFalse(cmd.contains("-a_nodata"), "a valid nodata value is kept as it is");
        assertCo(cmd, "COMPRESS=DEFLATE", "PREDICTOR=2", "OVERVIEW_PREDICTOR=2", "BLOCKSIZE=512",
                "OVERVIEW_RESAMPLING=AVERAGE", "NUM_THREADS=ALL_CPUS");
        assertFalse(cmd.contains("COMPRESS=JPEG"));
    }

    @Test
    void ncIn3857WithoutNodataIsTranslatedWithThreeBands() {
        RasterInfo rgb = info(true, 3857, band("Byte", null), band("Byte", null), band("Byte", null),
                band("Byte", null));
        List<String> cmd = CogCommand.onePass(rgb, BandMode.NC, IN, OUT);
        assertEquals("gdal_translate", cmd.get(0));
        assertEquals(List.of("-b", "1", "-b", "2", "-b", "3"), cmd.subList(3, 9));
    }

    @Test
    void bwFromThreeBandsWarpsBandOneThroughAVrtConnection() {
        RasterInfo rgb = info(false, 32618, band("Byte", null), band("Byte", null), band("Byte", null));
        List<String> cmd = CogCommand.onePass(rgb, BandMode.BW, IN, OUT);
        assertEquals("gdalwarp", cmd.get(0));
        assertEquals("vrt://" + IN + "?bands=1", cmd.get(cmd.size() - 2));
        assertPair(cmd, "-dstnodata", "0");
    }

    @Test
    void nodataTheBandCannotHoldIsDroppedNotCopied() {
        RasterInfo bad = info(true, 3857, band("Byte", 256.0));
        List<String> cmd = CogCommand.onePass(bad, BandMode.BW, IN, OUT);
        assertPair(cmd, "-a_nodata", "none");
        assertFalse(String.join(" ", cmd).contains("256"));
    }

    @Test
    void alphaFourthBandIsKeptAsMaskOtherFourthBandsAreDropped() {
        RasterInfo rgba = info(false, 32618, band("Byte", null), band("Byte", null), band("Byte", null),
                new RasterInfo.BandInfo(4, "Byte", "Alpha", null));
        List<String> cmd = CogCommand.onePass(rgba, BandMode.NC, IN, OUT);
        assertEquals(IN.toString(), cmd.get(cmd.size() - 2));
        RasterInfo rgbn = info(false, 32618, band("Byte", null), band("Byte", null), band("Byte", null),
                band("Byte", null));
        cmd = CogCommand.onePass(rgbn, BandMode.NC, IN, OUT);
        assertEquals("vrt://" + IN + "?bands=1,2,3", cmd.get(cmd.size() - 2));
    }

    @Test
    void sixteenBitNcIsRejectedAndSixteenBitBwKept() {
        RasterInfo rgb16 = info(false, 32618, band("UInt16", null), band("UInt16", null), band("UInt16", null));
        RasterRejectedException e = assertThrows(RasterRejectedException.class,
                () -> CogCommand.onePass(rgb16, BandMode.NC, IN, OUT));
        assertTrue(e.getMessage().contains("UInt16") && e.getMessage().contains("8-bit"), e.getMessage());
        List<String> cmd = CogCommand.onePass(info(true, 3857, band("UInt16", null)), BandMode.BW, IN, OUT);
        assertFalse(cmd.contains("-ot"));
        assertCo(cmd, "COMPRESS=DEFLATE", "PREDICTOR=2");
        assertThrows(RasterRejectedException.class,
                () -> CogCommand.onePass(info(true, 3857, band("Float32", null)), BandMode.BW, IN, OUT));
        assertThrows(RasterRejectedException.class,
                () -> CogCommand.onePass(info(true, 3857, band("Byte", null)), BandMode.NC, IN, OUT));
    }

    @Test
    void threePassChainIsTheOriginalsCommands() {
        RasterInfo shade = info(true, 3857, band("Byte", 255.0));
        List<List<String>> cmds = CogCommand.threePassChain(shade, BandMode.BW, IN, Path.of("/w"), OUT);
        assertEquals(3, cmds.size());
        assertEquals("gdal_translate", cmds.get(0).get(0));
        assertTrue(cmds.get(0).containsAll(List.of("TILED=YES", "BLOCKXSIZE=512", "COMPRESS=DEFLATE", "PREDICTOR=2")));
        assertEquals(List.of("gdaladdo", "-ro", "-r", "average", "/w/compressed.tif", "2", "4", "8", "16", "32",
                "64"), cmds.get(1));
        assertEquals(List.of("gdal_translate", "-of", "COG"), cmds.get(2).subList(0, 3));
        RasterInfo utm = info(false, 32618, band("Byte", null), band("Byte", null), band("Byte", null));
        assertEquals(4, CogCommand.threePassChain(utm, BandMode.NC, IN, Path.of("/w"), OUT).size());
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
        return new RasterInfo(IN, "GTiff", 791, 718, list, epsg, "WKT", is3857, fp, 803, 736);
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
