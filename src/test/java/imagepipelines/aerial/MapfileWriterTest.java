package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import javax.imageio.ImageIO;

import imagepipelines.local.EmbeddedPostgres;
import imagepipelines.testsupport.TestRasters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated mapfiles rendered by MapServer's own {@code map2img} (Debian mapserver-bin), with the tile index
 * in a real PostGIS and in a GeoPackage, over two real COGs (the two halves of the Landsat sample).
 */
class MapfileWriterTest {

    private static final String COLLECTION = "Test_USGS_1999_mosaic";
    private static final int SIZE = 400;

    @TempDir
    static Path dir;

    private static EmbeddedPostgres pg;
    private static TileIndexEntry west;
    private static TileIndexEntry east;

    @BeforeAll
    static void makeCogs() {
        pg = EmbeddedPostgres.start("aerial", "postgis");
        Path rgb = TestRasters.sample(dir, TestRasters.RGB_UTM18);
        Path w = dir.resolve("west.tif");
        Path e = dir.resolve("east.tif");
        TestRasters.run("gdal_translate", "-q", "-srcwin", "0", "0", "400", "718", rgb.toString(), w.toString());
        TestRasters.run("gdal_translate", "-q", "-srcwin", "400", "0", "391", "718", rgb.toString(), e.toString());
        CogConverter converter = new CogConverter();
        west = cog(converter, w, dir.resolve("west-cog.tif"));
        east = cog(converter, e, dir.resolve("east-cog.tif"));
    }

    private static TileIndexEntry cog(CogConverter converter, Path in, Path out) {
        CogConverter.Result r = converter.convert(BandMode.NC, in, out);
        return TileIndexEntry.forCog(out.getFileName().toString(), out.toString(), r.cog());
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void postgisMapfileRendersTheImagery() throws Exception {
        PostgisTileIndex store = new PostgisTileIndex(pg.dataSource());
        store.upsert(COLLECTION, west);
        store.upsert(COLLECTION, east);
        store.upsert(COLLECTION, east); // re-run: still two tiles
        Envelope extent = store.extent(COLLECTION).orElseThrow();
        String map = MapfileWriter.write(new MapfileWriter.Spec(COLLECTION, "Test mosaic", extent,
                new MapfileWriter.Postgis(pg.conninfo(), TileIndexStore.tableName(COLLECTION)),
                "https://maps.example.org/wms/?map=/mapfiles/test_usgs_1999_mosaic.map&", "stderr"));
        assertTrue(map.contains("CONNECTIONTYPE POSTGIS"), map);
        assertTrue(map.contains("TILEINDEX \"Test_USGS_1999_mosaic_index\""), map);
        assertTrue(map.contains("TILEITEM \"location\""));
        assertTrue(map.contains("TILESRS \"src_srs\""));
        assertTrue(map.contains("DATA \"geom from test_usgs_1999_mosaic using unique oid using srid=3857\""), map);
        assertFalse(map.toLowerCase().contains("password"));
        assertFalse(map.contains("AWS_"));
        assertRendered(map, extent, "pg");
    }

    @Test
    void geopackageMapfileRendersTheImagery() throws Exception {
        GeoPackageTileIndex store = new GeoPackageTileIndex(dir.resolve("index.gpkg"));
        store.upsert(COLLECTION, west);
        store.upsert(COLLECTION, east);
        Envelope extent = store.extent(COLLECTION).orElseThrow();
        String map = MapfileWriter.write(new MapfileWriter.Spec(COLLECTION, null, extent,
                new MapfileWriter.GeoPackage(store.file(), TileIndexStore.tableName(COLLECTION)), null, null));
        assertTrue(map.contains("CONNECTIONTYPE OGR"), map);
        assertRendered(map, extent, "gpkg");
    }

    @Test
    void passwordsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new MapfileWriter.Postgis("host=db user=u password=secret", "t"));
        assertThrows(IllegalArgumentException.class, () -> new MapfileWriter.Postgis("service=aerial", "Bad-Name"));
    }

    @Test
    void stringsAreEscaped() {
        assertEquals("\"a \\\"b\\\" \\\\ c\"", MapfileWriter.q("a \"b\" \\ c"));
    }

    private static void assertRendered(String map, Envelope extent, String tag) throws Exception {
        Path mapfile = dir.resolve(tag + ".map");
        Files.writeString(mapfile, map);
        // a square view a little larger than the footprints: corners outside, centre inside the imagery
        double cx = (extent.minX() + extent.maxX()) / 2;
        double cy = (extent.minY() + extent.maxY()) / 2;
        double half = Math.max(extent.width(), extent.height()) * 0.6;
        Path png = dir.resolve(tag + ".png");
        String out = TestRasters.run("map2img", "-m", mapfile.toString(), "-o", png.toString(),
                "-e", Double.toString(cx - half), Double.toString(cy - half), Double.toString(cx + half),
                Double.toString(cy + half), "-s", Integer.toString(SIZE), Integer.toString(SIZE),
                "-l", MapfileWriter.rasterLayer(COLLECTION));
        String keep = System.getProperty("aerial.test.keep"); // e.g. -Daerial.test.keep=/tmp/render to look at it
        if (keep != null) {
            Files.createDirectories(Path.of(keep));
            Files.copy(png, Path.of(keep, tag + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(mapfile, Path.of(keep, tag + ".map"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(SIZE, img.getWidth(), out);
        assertEquals(0xFFFFFF, img.getRGB(2, 2) & 0xFFFFFF, "corner outside the imagery is background");
        // centre area: real imagery (many distinct, non-background colours) in both halves
        Set<Integer> westColours = colours(img, SIZE / 2 - 60, SIZE / 2 - 30);
        Set<Integer> eastColours = colours(img, SIZE / 2 + 30, SIZE / 2 + 60);
        assertTrue(westColours.size() > 50, "west tile drawn: " + westColours.size() + " colours");
        assertTrue(eastColours.size() > 50, "east tile drawn: " + eastColours.size() + " colours");
    }

    private static Set<Integer> colours(BufferedImage img, int x0, int x1) {
        Set<Integer> c = new HashSet<>();
        for (int x = x0; x < x1; x++) {
            for (int y = SIZE / 2 - 60; y < SIZE / 2 + 60; y++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                if (rgb != 0xFFFFFF && rgb != 0xFF0000) {
                    c.add(rgb);
                }
            }
        }
        return c;
    }
}
