package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import imagepipelines.testsupport.TestRasters;
import org.gdal.gdal.Band;
import org.gdal.gdal.Dataset;
import org.gdal.gdal.gdal;
import org.gdal.gdalconst.gdalconst;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The collar (the area of the 3857 grid outside a reprojected scan) must be transparent whatever the scan's data
 * type: checked with GDAL's mask band of the COG, at the corners of the grid and of every overview (MapServer's
 * view of a 16-bit collar: AerialMapServerHostTest). The scans are
 * single-band UTM GeoTIFFs with scanned values everywhere, as a scanner writes them, with the nodata the original
 * used (256), none, or 0.
 */
class GrayscaleCollarTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} nodata {1}")
    @CsvSource({
        "Byte,   256",
        "Byte,   none",
        "UInt16, 256",
        "UInt16, none",
        "UInt16, 0",
        "Int16,  256",
        "Int16,  none",
    })
    void collarsOfReprojectedGrayscaleScansAreTransparent(String type, String nodata) {
        GdalRuntime.ensureLoaded();
        Path rgb = TestRasters.sample(dir, TestRasters.RGB_UTM18);
        Path scan = dir.resolve("scan.tif");
        // band 1 of the sample, scaled into the type's range, no pixel equal to the nodata
        String[] scale = type.equals("Byte") ? new String[] {"-scale", "0", "255", "1", "255"}
                : type.equals("UInt16") ? new String[] {"-scale", "0", "255", "300", "65535"}
                : new String[] {"-scale", "0", "255", "-32000", "32000"};
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("gdal_translate", "-q", "-b", "1",
                "-ot", type));
        cmd.addAll(java.util.List.of(scale));
        cmd.addAll(java.util.List.of("-a_nodata", nodata, rgb.toString(), scan.toString()));
        TestRasters.run(cmd.toArray(String[]::new));

        Path out = dir.resolve("cog.tif");
        CogConverter.Result r = new CogConverter().convert(BandMode.BW, scan, out);
        assertTrue(r.validation().valid(), r.validation().summary());
        Dataset ds = gdal.Open(out.toString(), gdalconst.GA_ReadOnly);
        try {
            Band b = ds.GetRasterBand(1);
            assertEquals(type, gdal.GetDataTypeName(b.getDataType()), "data type kept");
            if (!type.equals("Byte")) {
                // MapServer 8 draws a 16-bit nodata value opaque; it honours an internal mask
                assertEquals(gdalconst.GMF_PER_DATASET, b.GetMaskFlags(), "16-bit: an internal mask");
            }
            assertCornersMasked(b, "full resolution");
            for (int i = 0; i < b.GetOverviewCount(); i++) {
                assertCornersMasked(b.GetOverview(i), "overview " + i);
            }
            // and the scan itself is not masked: the centre is data
            Band mask = b.GetMaskBand();
            int[] v = new int[1];
            mask.ReadRaster(b.getXSize() / 2, b.getYSize() / 2, 1, 1, gdalconst.GDT_Int32, v);
            assertEquals(255, v[0], "centre is image");
        } finally {
            ds.delete();
        }
    }

    private static void assertCornersMasked(Band b, String what) {
        Band mask = b.GetMaskBand();
        int w = b.getXSize();
        int h = b.getYSize();
        for (int[] p : new int[][] {{0, 0}, {w - 1, 0}, {0, h - 1}, {w - 1, h - 1}}) {
            int[] v = new int[1];
            mask.ReadRaster(p[0], p[1], 1, 1, gdalconst.GDT_Int32, v);
            assertEquals(0, v[0], what + ": collar pixel " + p[0] + "," + p[1] + " is transparent (mask flags "
                    + b.GetMaskFlags() + ")");
        }
    }
}
