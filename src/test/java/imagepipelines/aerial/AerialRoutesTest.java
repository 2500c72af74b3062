package imagepipelines.aerial;

import static imagepipelines.testsupport.TestPipelines.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.imageio.ImageIO;

import imagepipelines.local.LocalStack;
import imagepipelines.testsupport.EmbeddedPostgres;
import imagepipelines.testsupport.TestPipelines;
import imagepipelines.testsupport.TestRasters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real GeoTIFFs through the real aerial routes: embedded S3 (the poller intake), GDAL through camel-exec, GDAL's
 * COG validator, a real PostGIS, and MapServer's map2img on the published mapfile.
 */
class AerialRoutesTest {

    static final String BUCKET = "historic-aerials-test";

    @TempDir
    static Path dir;
    static EmbeddedPostgres pg;
    static TestPipelines p;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.start("aerial", "postgis");
        p = TestPipelines.start(dir, overrides(pg));
    }

    static Map<String, String> overrides(EmbeddedPostgres pg) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("pipelines.workflows", "aerial");
        o.put("aerial.intake.poll.enabled", "true");
        o.put("aerial.intake.sqs.enabled", "false");
        o.put("aerial.poll.delay-ms", "200");
        o.put("aerial.retry.delay-ms", "50");
        o.put("aerial.retry.max-delay-ms", "200");
        o.put("aerial.workers", "2");
        o.put("aerial.postgis.jdbc-url", pg.jdbcUrl());
        o.put("aerial.postgis.user", pg.user());
        o.put("aerial.mapfile.postgis-connection", pg.conninfo());
        o.put("aerial.tile-index.geopackage", dir.resolve("unused.gpkg").toString());
        return o;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (p != null) {
                p.close();
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    static byte[] sample(String name) {
        return TestPipelines.resource("/geotiff/" + name);
    }

    static boolean has(String key) {
        return p.keys(BUCKET).contains(key);
    }

    static List<String> rows(String table) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return names;
            }
        }
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, location, src_srs, ST_SRID(geom) FROM " + table + " ORDER BY name")) {
            while (rs.next()) {
                assertEquals("EPSG:3857", rs.getString(3));
                assertEquals(3857, rs.getInt(4));
                assertTrue(rs.getString(2).startsWith("/vsicurl/http://127.0.0.1:"), rs.getString(2));
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    static Path download(String key) throws Exception {
        Path f = Files.createTempFile(dir, "dl-", ".tif");
        Files.write(f, p.get(BUCKET, key));
        return f;
    }

    static CogValidator.Result validate(String key) throws Exception {
        return new CogValidator(new GdalCommandRunner()).validate(download(key));
    }

    static String secretKey() {
        return LocalStack.SECRET_KEY;
    }

    @Test
    void naturalColourGeoTiffBecomesAValidCogWithIndexRowZipAndARenderableMapfile() throws Exception {
        String src = "nc/Suffolk/USDA_1962/mosaic/georef/rgb-3band-utm18.tif";
        String cog = "nc/Suffolk/USDA_1962/mosaic/cog/rgb-3band-utm18.tif";
        String map = "mapfiles/suffolk_usda_1962_mosaic.map";
        byte[] bytes = sample(TestRasters.RGB_UTM18);
        p.put(BUCKET, src, bytes);

        await("COG and mapfile", Duration.ofSeconds(60), () -> has(cog) && has(map));
        assertTrue(has("nc/Suffolk/USDA_1962/mosaic/cog/tile_index/Suffolk_USDA_1962_mosaic.zip"), p.keys(BUCKET).toString());
        assertArrayEquals(bytes, p.get(BUCKET, src), "the upload is left as it was");
        CogValidator.Result v = validate(cog);
        assertTrue(v.valid(), v.summary());
        RasterInfo info = new RasterInspector().inspect(download(cog));
        assertTrue(info.is3857());
        assertEquals(3, info.bandCount());
        assertEquals(List.of("rgb-3band-utm18.tif"), rows("suffolk_usda_1962_mosaic"));
        assertEquals("image/tiff; application=geotiff; profile=cloud-optimized", p.head(BUCKET, cog).contentType());

        String mapfile = new String(p.get(BUCKET, map), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(mapfile.contains("TILEINDEX \"suffolk_usda_1962_mosaic_footprints\""), mapfile);
        assertTrue(mapfile.contains("TILEITEM \"location\""), mapfile);
        assertTrue(mapfile.contains("TILESRS \"src_srs\""), mapfile);
        assertTrue(mapfile.contains("CONNECTIONTYPE POSTGIS"), mapfile);
        assertFalse(mapfile.toLowerCase().contains("password"), mapfile);
        assertFalse(mapfile.contains("AWS_"), mapfile);
        assertFalse(mapfile.contains(secretKey()), mapfile);
        assertRendered(mapfile, "suffolk_usda_1962_mosaic");
        assertTrue(Files.notExists(dir.resolve("scratch/aerial")) || isEmpty(dir.resolve("scratch/aerial")),
                "scratch space cleaned");
    }

    static boolean isEmpty(Path d) throws Exception {
        try (var s = Files.list(d)) {
            return s.findAny().isEmpty();
        }
    }

    /** map2img over the mapfile as published: tiles drawn from the COGs in the bucket (public-read, no keys). */
    static void assertRendered(String mapfile, String collection) throws Exception {
        Path mf = dir.resolve(collection + ".map");
        Files.writeString(mf, mapfile);
        Envelope e = new PostgisTileIndex(pg.dataSource()).extent(collection).orElseThrow();
        double cx = (e.minX() + e.maxX()) / 2;
        double cy = (e.minY() + e.maxY()) / 2;
        double half = Math.max(e.width(), e.height()) * 0.6;
        Path png = dir.resolve(collection + ".png");
        int size = 300;
        String out = TestRasters.run("map2img", "-m", mf.toString(), "-o", png.toString(), "-e",
                Double.toString(cx - half), Double.toString(cy - half), Double.toString(cx + half),
                Double.toString(cy + half), "-s", Integer.toString(size), Integer.toString(size),
                "-l", MapfileWriter.rasterLayer(collection));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(size, img.getWidth(), out);
        assertEquals(0xFFFFFF, img.getRGB(2, 2) & 0xFFFFFF, "outside the imagery is background");
        Set<Integer> colours = new HashSet<>();
        for (int x = size / 2 - 40; x < size / 2 + 40; x++) {
            for (int y = size / 2 - 40; y < size / 2 + 40; y++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                if (rgb != 0xFFFFFF) {
                    colours.add(rgb);
                }
            }
        }
        assertTrue(colours.size() > 20, "imagery drawn in the centre: " + colours.size() + " colours; " + out);
    }
}
