package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import imagepipelines.testsupport.TestRasters;
import org.gdal.gdal.Band;
import org.gdal.gdal.Dataset;
import org.gdal.gdal.gdal;
import org.gdal.gdalconst.gdalconst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Runs the real GDAL programs and GDAL's COG validator. */
class CogConverterTest {

    @TempDir
    Path dir;

    private final CogConverter converter = new CogConverter();

    @ParameterizedTest
    @CsvSource({
        "byte-1band-utm11.tif, BW, gdalwarp",
        "shade-1band-3857.tif, BW, gdal_translate",
        "rgb-3band-utm18.tif,  NC, gdalwarp",
        "rgb-3band-utm18.tif,  BW, gdalwarp",
    })
    void eachSampleBecomesAValidCogInWebMercator(String sample, BandMode mode, String program) {
        Path in = TestRasters.sample(dir, sample);
        Path out = dir.resolve("cog.tif");
        CogConverter.Result r = converter.convert(mode, in, out);
        assertEquals(program, r.commands().get(0).get(0));
        assertEquals(program.equals("gdalwarp") ? 2 : 1, r.commands().size(), r.commands().toString());
        assertEquals("gdal_translate", r.commands().get(r.commands().size() - 1).get(0));
        assertNoScratchLeft();
        assertTrue(r.validation().valid(), r.validation().summary());
        assertTrue(r.validation().warnings().isEmpty(), r.validation().summary());
        assertEquals(3857, r.cog().epsg());
        assertEquals(mode.bands(), r.cog().bandCount());
        // the COG covers the same ground as the source
        Envelope s = r.source().footprint3857().envelope();
        Envelope c = r.cog().footprint3857().envelope();
        double tol = Math.max(s.width(), s.height()) * 0.01;
        assertEquals(s.minX(), c.minX(), tol);
        assertEquals(s.maxY(), c.maxY(), tol);
        try (Cog cog = Cog.open(out)) {
            String compression = cog.ds.GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE");
            Band b1 = cog.ds.GetRasterBand(1);
            assertEquals(512, b1.GetBlockXSize());
            // the warp widened gdalwarp's grid so that each overview is exactly half of the level before
            Band larger = b1;
            for (int o = 0; o < b1.GetOverviewCount(); o++) {
                Band ovr = b1.GetOverview(o);
                assertEquals(larger.getXSize(), 2 * ovr.getXSize(), "overview " + o + " width");
                assertEquals(larger.getYSize(), 2 * ovr.getYSize(), "overview " + o + " height");
                larger = ovr;
            }
            if (mode == BandMode.NC) {
                assertEquals("YCbCr JPEG", compression);
                assertEquals(gdalconst.GMF_PER_DATASET, b1.GetMaskFlags(), "nodata of the source became a mask");
                assertNull(noData(b1), "no nodata value on a JPEG COG");
            } else {
                assertEquals("DEFLATE", compression);
                assertEquals("2", cog.ds.GetMetadataItem("PREDICTOR", "IMAGE_STRUCTURE"));
                Double nd = noData(b1);
                assertTrue(nd == null || (nd >= 0 && nd <= 255), "never nodata 256 on Byte: " + nd);
            }
        }
    }

    @Test
    void webMercatorSourceKeepsItsGridAndGetsOverviews() {
        Path in = TestRasters.sample(dir, TestRasters.SHADE_3857);
        Path out = dir.resolve("shade-cog.tif");
        CogConverter.Result r = converter.convert(BandMode.BW, in, out);
        assertEquals(1024, r.cog().width());
        assertEquals(1024, r.cog().height());
        assertEquals(255.0, r.cog().band(1).noData(), "valid nodata kept");
        try (Cog cog = Cog.open(out)) {
            Band b = cog.ds.GetRasterBand(1);
            assertEquals(CogCommand.overviewLevels(1024, 1024).size(), b.GetOverviewCount());
            assertEquals(512, b.GetOverview(0).getXSize());
        }
    }

    @Test
    void nodata256OnAByteBandIsNotCopied() {
        Path in = TestRasters.nodata256(dir);
        CogConverter.Result r = converter.convert(BandMode.BW, in, dir.resolve("nd-cog.tif"));
        assertEquals(256.0, r.source().band(1).noData());
        assertTrue(r.commands().get(0).containsAll(List.of("-a_nodata", "none")), r.commands().toString());
        assertNull(r.cog().band(1).noData());
        assertTrue(r.validation().valid());
    }

    @Test
    void fourBandWithAlphaKeepsAlphaAsMask() {
        Path in = TestRasters.rgbaUtm18(dir);
        CogConverter.Result r = converter.convert(BandMode.NC, in, dir.resolve("rgba-cog.tif"));
        assertEquals(4, r.source().bandCount());
        assertEquals(3, r.cog().bandCount());
        try (Cog cog = Cog.open(dir.resolve("rgba-cog.tif"))) {
            assertEquals(gdalconst.GMF_PER_DATASET, cog.ds.GetRasterBand(1).GetMaskFlags());
        }
    }

    @Test
    void fourBandWithoutAlphaTakesBandsOneToThree() {
        Path in = TestRasters.fourBandNoAlphaUtm18(dir);
        CogConverter.Result r = converter.convert(BandMode.NC, in, dir.resolve("rgbn-cog.tif"));
        assertEquals(3, r.cog().bandCount());
        List<String> warp = r.commands().get(0);
        assertTrue(warp.get(warp.size() - 2).endsWith("?bands=1,2,3"), r.commands().toString());
    }

    @Test
    void sixteenBitBwStaysSixteenBitAndLossless() {
        Path in = TestRasters.uint16(dir, TestRasters.SHADE_3857);
        CogConverter.Result r = converter.convert(BandMode.BW, in, dir.resolve("u16-cog.tif"));
        assertEquals("UInt16", r.cog().band(1).dataType());
        assertTrue(r.validation().valid());
    }

    @Test
    void sixteenBitNcIsRejectedWithAReason() {
        Path in = TestRasters.uint16(dir, TestRasters.RGB_UTM18);
        RasterRejectedException e = assertThrows(RasterRejectedException.class,
                () -> converter.convert(BandMode.NC, in, dir.resolve("x.tif")));
        assertTrue(e.getMessage().contains("UInt16"), e.getMessage());
    }

    @Test
    void noCrsNotTiffAndTruncatedAreRejected() {
        for (Path in : List.of(TestRasters.withoutCrs(dir), TestRasters.notATiff(dir), TestRasters.truncated(dir, 0.5),
                TestRasters.truncatedBeforeIfd(dir, 0.5))) {
            RasterRejectedException e = assertThrows(RasterRejectedException.class,
                    () -> converter.convert(BandMode.BW, in, dir.resolve("x.tif")));
            assertTrue(e.getMessage().startsWith(in.getFileName() + ": "), e.getMessage());
        }
        assertFalse(dir.resolve("x.tif").toFile().exists());
    }

    @Test
    void corruptPixelsFailTheWarpAndLeaveNeitherCogNorScratch() {
        Path in = TestRasters.corruptTiles(dir);
        Path out = dir.resolve("corrupt-cog.tif");
        GdalCommandException e = assertThrows(GdalCommandException.class, () -> converter.convert(BandMode.NC, in, out));
        assertTrue(e.getMessage().startsWith("gdalwarp exited with code 1: ERROR"), e.getMessage());
        assertFalse(Files.exists(out));
        assertNoScratchLeft();
    }

    @Test
    void gdalFailureIsReportedWithGdalsOwnMessage() {
        // bypass the inspector: run the command on a file that breaks while pixels are read
        Path good = TestRasters.sample(dir, TestRasters.RGB_UTM18);
        RasterInfo info = new RasterInspector().inspect(good);
        Path broken = TestRasters.truncated(dir, 0.5);
        List<String> cmd = CogCommand.warpToScratch(info, BandMode.NC, broken, dir.resolve("x.tif"), "near");
        GdalCommandException e = assertThrows(GdalCommandException.class, () -> new GdalCommandRunner().run(cmd));
        assertTrue(e.getMessage().startsWith("gdalwarp exited with code 1: ERROR 1:"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated.tif"), e.getMessage());
    }

    @Test
    void nearestReprojectionKeepsTheSourceColoursBilinearMakesNewOnes() {
        Path in = TestRasters.sample(dir, TestRasters.RGB_UTM18);
        RasterInfo info = new RasterInspector().inspect(in);
        Set<Integer> source = colours(in);
        for (String r : List.of("near", "bilinear")) {
            Path warped = dir.resolve("warped-" + r + ".tif");
            new GdalCommandRunner().run(CogCommand.warpToScratch(info, BandMode.NC, in, warped, r));
            Set<Integer> out = colours(warped);
            out.removeAll(source);
            if (r.equals("near")) {
                assertTrue(out.isEmpty(), out.size() + " colours not in the source");
            } else {
                assertTrue(out.size() > 1000, "bilinear interpolates: " + out.size() + " new colours");
            }
        }
    }

    @Test
    void aFailedValidationLeavesNeitherCogNorScratch() {
        Path in = TestRasters.sample(dir, TestRasters.RGB_UTM18);
        Path out = dir.resolve("v-cog.tif");
        CogConverter broken = new CogConverter(new RasterInspector(), new GdalCommandRunner(),
                new CogValidator(new GdalCommandRunner(), dir.resolve("no-python").toString()), "near");
        GdalCommandException e = assertThrows(GdalCommandException.class, () -> broken.convert(BandMode.NC, in, out));
        assertTrue(e.getMessage().contains("no-python"), e.getMessage());
        assertFalse(Files.exists(out));
        assertNoScratchLeft();
    }

    private void assertNoScratchLeft() {
        try (var s = Files.list(dir)) {
            List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".cog-scratch"))
                    .toList();
            assertTrue(left.isEmpty(), "scratch left: " + left);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The distinct RGB triplets of the opaque pixels (alpha band 4 when there is one). */
    private static Set<Integer> colours(Path file) {
        GdalRuntime.ensureLoaded();
        Dataset ds = gdal.Open(file.toString(), gdalconst.GA_ReadOnly);
        try {
            int w = ds.getRasterXSize();
            int h = ds.getRasterYSize();
            int[][] px = new int[ds.getRasterCount()][w * h];
            for (int b = 0; b < px.length; b++) {
                ds.GetRasterBand(b + 1).ReadRaster(0, 0, w, h, px[b]);
            }
            Set<Integer> out = new HashSet<>();
            for (int i = 0; i < w * h; i++) {
                if (px.length < 4 || px[3][i] != 0) {
                    out.add(px[0][i] << 16 | px[1][i] << 8 | px[2][i]);
                }
            }
            return out;
        } finally {
            ds.delete();
        }
    }

    private static Double noData(Band b) {
        Double[] v = new Double[1];
        b.GetNoDataValue(v);
        return v[0];
    }

    /** An open dataset closed by try-with-resources. */
    private record Cog(Dataset ds) implements AutoCloseable {
        static Cog open(Path p) {
            GdalRuntime.ensureLoaded();
            return new Cog(gdal.Open(p.toString(), gdalconst.GA_ReadOnly));
        }

        @Override
        public void close() {
            ds.delete();
        }
    }
}
