package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import imagepipelines.testsupport.TestRasters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RasterInspectorTest {

    @TempDir
    Path dir;

    private final RasterInspector inspector = new RasterInspector();

    @Test
    void utm11ByteRaster() {
        RasterInfo info = inspector.inspect(TestRasters.sample(dir, TestRasters.BYTE_UTM11));
        assertEquals("GTiff", info.driver());
        assertEquals(20, info.width());
        assertEquals(20, info.height());
        assertEquals(1, info.bandCount());
        assertEquals("Byte", info.band(1).dataType());
        assertNull(info.band(1).noData());
        assertEquals(26711, info.epsg());
        assertEquals("EPSG:26711", info.srsString());
        assertFalse(info.is3857());
        assertTrue(info.wkt().contains("NAD27"), info.wkt());
        // UTM 11N, around 117.64 W 33.9 N: x about -13.09e6, y about 4.0e6 in Web Mercator
        Envelope e = info.footprint3857().envelope();
        assertTrue(e.minX() > -13.2e6 && e.maxX() < -13.0e6, e.toString());
        assertTrue(e.minY() > 3.9e6 && e.maxY() < 4.1e6, e.toString());
        assertEquals(4 * RasterInspector.POINTS_PER_EDGE + 1, info.footprint3857().ring().size(),
                "edges densified, ring closed");
        assertTrue(info.warpedWidth() > 0 && info.warpedHeight() > 0);
    }

    @Test
    void webMercatorHillshade() {
        RasterInfo info = inspector.inspect(TestRasters.sample(dir, TestRasters.SHADE_3857));
        assertEquals(1024, info.width());
        assertEquals(3857, info.epsg());
        assertTrue(info.is3857());
        assertEquals(255.0, info.band(1).noData());
        assertEquals(5, info.footprint3857().ring().size(), "a north-up 3857 raster is a rectangle");
        assertEquals(1024, info.warpedWidth());
    }

    @Test
    void rgbUtm18() {
        RasterInfo info = inspector.inspect(TestRasters.sample(dir, TestRasters.RGB_UTM18));
        assertEquals(List.of("Byte", "Byte", "Byte"), info.bands().stream().map(RasterInfo.BandInfo::dataType).toList());
        assertEquals(32618, info.epsg());
        assertEquals(0.0, info.band(2).noData());
        assertTrue(info.footprint3857().toWkt().startsWith("POLYGON (("));
        // gdalwarp's own choice for this scene
        assertEquals(803, info.warpedWidth());
        assertEquals(736, info.warpedHeight());
    }

    @Test
    void tiffWithoutCrsIsRejectedClearly() {
        Path f = TestRasters.withoutCrs(dir);
        RasterRejectedException e = assertThrows(RasterRejectedException.class, () -> inspector.inspect(f));
        assertTrue(e.getMessage().contains("no-crs.tif: has no coordinate reference system"), e.getMessage());
    }

    @Test
    void textFileNamedTifIsRejected() {
        Path f = TestRasters.notATiff(dir);
        RasterRejectedException e = assertThrows(RasterRejectedException.class, () -> inspector.inspect(f));
        assertTrue(e.getMessage().contains("not a raster GDAL can read"), e.getMessage());
        assertTrue(e.getMessage().contains("not recognized as a supported file format"), e.getMessage());
    }

    @Test
    void truncatedTiffIsRejectedBeforeAnyPixelIsRead() {
        Path f = TestRasters.truncated(dir, 0.6);
        RasterRejectedException e = assertThrows(RasterRejectedException.class, () -> inspector.inspect(f));
        assertTrue(e.getMessage().contains("is truncated"), e.getMessage());
    }

    @Test
    void tiffCutBeforeItsDirectoryIsRejected() {
        Path f = TestRasters.truncatedBeforeIfd(dir, 0.5);
        RasterRejectedException e = assertThrows(RasterRejectedException.class, () -> inspector.inspect(f));
        assertTrue(e.getMessage().contains("not a raster GDAL can read"), e.getMessage());
        Path header = TestRasters.truncated(dir, 0.0001);
        assertThrows(RasterRejectedException.class, () -> inspector.inspect(header));
    }

    @Test
    void missingFile() {
        RasterRejectedException e = assertThrows(RasterRejectedException.class,
                () -> inspector.inspect(dir.resolve("nope.tif")));
        assertTrue(e.getMessage().contains("no such file"));
    }

    /**
     * Found by HostileAerialTest: a 300 KB GeoTIFF declaring 100,000 x 100,000 pixels with no tile written passed
     * inspection, and gdalwarp then created a 10-gigapixel uncompressed scratch file and ran until
     * aerial.gdal.timeout-seconds (60 s in the test, 30 min by default). It is refused at inspection now.
     */
    @Test
    void aSparseGeoTiffDeclaringTenGigapixelsIsRefusedAtInspectionBeforeAnyWarp() {
        Path sparse = dir.resolve("sparse.tif");
        TestRasters.run("gdal_create", "-q", "-of", "GTiff", "-outsize", "100000", "100000", "-bands", "1", "-ot", "Byte",
                "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "SPARSE_OK=TRUE", "-a_srs", "EPSG:32611",
                "-a_ullr", "300000", "4000000", "350000", "3950000", sparse.toString());
        RasterRejectedException e = assertThrows(RasterRejectedException.class,
                () -> new RasterInspector(200).inspect(sparse));
        assertTrue(e.getMessage().contains("declares 100000x100000 pixels") && e.getMessage().contains("200:1"),
                e.getMessage());
        // the samples, real imagery, are far from the limit
        for (String s : TestRasters.SAMPLES) {
            new RasterInspector(200).inspect(TestRasters.sample(dir, s));
        }
    }
}
