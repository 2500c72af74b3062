package imagepipelines.aerial;

import static imagepipelines.testsupport.TestPipelines.assertDone;
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
import imagepipelines.local.EmbeddedPostgres;
import imagepipelines.testsupport.TestPipelines;
import imagepipelines.testsupport.TestRasters;
import org.apache.camel.builder.NotifyBuilder;
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
        Map<String, String> o = TestPipelines.aerialSettings(dir, pg);
        // GDAL reads the uploads through /vsis3/ here; AerialSqsIntakeRoutesTest covers the download (the default)
        o.put("aerial.source.vsis3", "true");
        return o;
    }

    @AfterAll
    static void stop() throws Exception {
        TestPipelines.closeAll(p, pg);
    }

    static byte[] sample(String name) {
        return TestPipelines.resource("/geotiff/" + name);
    }

    /** Camel's NotifyBuilder: matches once the routes are done with each of these uploads (the poller's split). */
    static NotifyBuilder uploadsDone(String... keys) {
        return p.whenDone("aerial-intake-poll-bucket", e -> e.getProperty("aerialListedKey", String.class), keys);
    }

    /**
     * Camel's NotifyBuilder: matches once a try at upload {@code key} is done that got as far as publishing its
     * collection's mapfile; a try left for a later listing (a transient failure) stops before.
     */
    static NotifyBuilder uploadPublished(String key) {
        return new NotifyBuilder(p.app.context()).fromRoute("aerial-intake-poll-bucket")
                .filter(e -> key.equals(e.getProperty("aerialListedKey"))).wereSentTo("direct:aerial-publish-mapfile")
                .whenDone(1).create();
    }

    /** Camel's NotifyBuilder: matches once the poller has made {@code n} more listings (its timer's exchanges). */
    static NotifyBuilder listingsDone(int n) {
        return new NotifyBuilder(p.app.context()).fromRoute("aerial-intake-poll-bucket")
                .filter(TestPipelines::isWhole).whenDone(n).create();
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
        NotifyBuilder done = uploadsDone(src);
        p.put(BUCKET, src, bytes);

        assertDone(done, Duration.ofSeconds(60), "the upload through the aerial routes");
        assertTrue(has(cog) && has(map), p.keys(BUCKET).toString());
        assertTrue(has("nc/Suffolk/USDA_1962/mosaic/cog/tile_index/Suffolk_USDA_1962_mosaic_idx.zip"), p.keys(BUCKET).toString());
        assertArrayEquals(bytes, p.get(BUCKET, src), "the upload is left as it was");
        CogValidator.Result v = validate(cog);
        assertTrue(v.valid(), v.summary());
        RasterInfo info = new RasterInspector().inspect(download(cog));
        assertTrue(info.is3857());
        assertEquals(3, info.bandCount());
        assertEquals(List.of("rgb-3band-utm18.tif"), rows("suffolk_usda_1962_mosaic"));
        assertEquals("image/tiff; application=geotiff; profile=cloud-optimized", p.head(BUCKET, cog).contentType());

        String mapfile = new String(p.get(BUCKET, map), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(mapfile.contains("TILEINDEX \"Suffolk_USDA_1962_mosaic_index\""), mapfile);
        assertTrue(mapfile.contains("TILEITEM \"location\""), mapfile);
        assertTrue(mapfile.contains("TILESRS \"src_srs\""), mapfile);
        assertTrue(mapfile.contains("CONNECTIONTYPE POSTGIS"), mapfile);
        assertFalse(mapfile.toLowerCase().contains("password"), mapfile);
        assertFalse(mapfile.contains("AWS_"), mapfile);
        assertFalse(mapfile.contains(secretKey()), mapfile);
        assertRendered(mapfile, "Suffolk_USDA_1962_mosaic");
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
        assertRendered(mapfile, collection, new PostgisTileIndex(pg.dataSource()).extent(collection).orElseThrow());
    }

    /** Renders a square view around {@code e}: corners outside, centre inside the imagery. */
    static void assertRendered(String mapfile, String collection, Envelope e) throws Exception {
        Path mf = dir.resolve(collection + ".map");
        Files.writeString(mf, mapfile);
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
    static Map<String, Object> errorRecord(String key) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(p.get(BUCKET, "errors/" + key + ".json"), Map.class);
        return m;
    }

    static byte[] bytes(Path f) throws Exception {
        return Files.readAllBytes(f);
    }

    @Test
    void twoBlackAndWhiteSourcesInOneCollectionGiveTwoRowsAndBothTilesInTheZip() throws Exception {
        String prefix = "bw/Ventura/USGS_1947/frames/";
        NotifyBuilder done = uploadsDone(prefix + "georef/utm11.tif", prefix + "georef/shade.tif");
        p.put(BUCKET, prefix + "georef/utm11.tif", sample(TestRasters.BYTE_UTM11));
        p.put(BUCKET, prefix + "georef/shade.tif", sample(TestRasters.SHADE_3857));
        assertDone(done, Duration.ofSeconds(60), "both uploads through the aerial routes");
        assertTrue(has(prefix + "cog/utm11.tif") && has(prefix + "cog/shade.tif")
                && has("mapfiles/ventura_usgs_1947_frames.map"), p.keys(BUCKET).toString());
        assertEquals(List.of("shade.tif", "utm11.tif"), rows("ventura_usgs_1947_frames"));
        for (String f : List.of("utm11.tif", "shade.tif")) {
            CogValidator.Result v = validate(prefix + "cog/" + f);
            assertTrue(v.valid(), f + ": " + v.summary());
            RasterInfo info = new RasterInspector().inspect(download(prefix + "cog/" + f));
            assertEquals(1, info.bandCount());
            assertTrue(info.is3857());
        }
        String zipKey = prefix + "cog/tile_index/Ventura_USGS_1947_frames_idx.zip";
        assertTrue(has(zipKey), p.keys(BUCKET).toString());
        assertEquals(2, zipFeatures(zipKey), "both rows in the zipped tile index");
        String mapfile = new String(p.get(BUCKET, "mapfiles/ventura_usgs_1947_frames.map"), java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(mapfile.contains(secretKey()));
        // the two frames are far apart: look at the hillshade one
        Envelope shade = new PostgisTileIndex(pg.dataSource()).entries("ventura_usgs_1947_frames").stream()
                .filter(x -> x.name().equals("shade.tif")).findFirst().orElseThrow().footprint().envelope();
        assertRendered(mapfile, "Ventura_USGS_1947_frames", shade);
    }

    /** Features in the zipped shapefile, read back with OGR. */
    static int zipFeatures(String key) {
        try {
            Path zip = dir.resolve("ti-" + System.nanoTime() + ".zip");
            Files.write(zip, p.get(BUCKET, key));
            String out = TestRasters.run("ogrinfo", "-ro", "-so", "-al", "/vsizip/" + zip);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Feature Count: (\\d+)").matcher(out);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void badInputsGetAReadableErrorRecordAndAreLeftUntouchedWhileGoodOnesFlow() throws Exception {
        Path work = Files.createDirectories(dir.resolve("bad"));
        String nc = "nc/Kern/USDA_1950/index/georef/";
        String bw = "bw/Kern/USDA_1950/index/georef/";
        Map<String, byte[]> uploads = new LinkedHashMap<>();
        uploads.put(nc + "no-crs.tif", bytes(TestRasters.withoutCrs(work)));
        uploads.put(nc + "not-a-tiff.tif", bytes(TestRasters.notATiff(work)));
        uploads.put(nc + "truncated.tif", bytes(TestRasters.truncated(work, 0.6)));
        uploads.put(nc + "rgb-uint16.tif", bytes(TestRasters.uint16(work, TestRasters.RGB_UTM18)));
        uploads.put("Kern/USDA_1950/scan 12.tif", sample(TestRasters.BYTE_UTM11));
        uploads.put(nc + "rgbn.tif", bytes(TestRasters.fourBandNoAlphaUtm18(work)));
        uploads.put(nc + "rgba.tif", bytes(TestRasters.rgbaUtm18(work)));
        uploads.put(bw + "shade-uint16.tif", bytes(TestRasters.uint16(work, TestRasters.SHADE_3857)));
        NotifyBuilder done = uploadsDone(uploads.keySet().toArray(String[]::new));
        uploads.forEach((k, v) -> p.put(BUCKET, k, v));

        List<String> rejected = List.of(nc + "no-crs.tif", nc + "not-a-tiff.tif", nc + "truncated.tif",
                nc + "rgb-uint16.tif", "Kern/USDA_1950/scan 12.tif");
        assertDone(done, Duration.ofSeconds(90), "eight uploads through the aerial routes");
        for (String k : rejected) {
            assertTrue(has("errors/" + k + ".json"), k + ": " + p.keys(BUCKET));
        }
        for (String k : List.of("nc/Kern/USDA_1950/index/cog/rgbn.tif", "nc/Kern/USDA_1950/index/cog/rgba.tif",
                "bw/Kern/USDA_1950/index/cog/shade-uint16.tif")) {
            assertTrue(has(k), k + ": " + p.keys(BUCKET));
        }

        assertTrue(errorRecord(nc + "no-crs.tif").get("reason").toString().contains("no coordinate reference system"),
                errorRecord(nc + "no-crs.tif").toString());
        assertEquals("aerial-inspect-source", errorRecord(nc + "no-crs.tif").get("stage"));
        assertTrue(errorRecord(nc + "not-a-tiff.tif").get("reason").toString().contains("not a raster GDAL can read"),
                errorRecord(nc + "not-a-tiff.tif").toString());
        assertTrue(errorRecord(nc + "truncated.tif").get("reason").toString().contains("truncated"),
                errorRecord(nc + "truncated.tif").toString());
        Map<String, Object> sixteen = errorRecord(nc + "rgb-uint16.tif");
        assertTrue(sixteen.get("reason").toString().contains("UInt16"), sixteen.toString());
        assertEquals("aerial-compress", sixteen.get("stage"));
        Map<String, Object> layout = errorRecord("Kern/USDA_1950/scan 12.tif");
        assertTrue(layout.get("reason").toString().contains("path segments"), layout.toString());
        assertEquals(AerialKey.LAYOUT, layout.get("expectedLayout"));
        for (String k : rejected) {
            assertEquals(uploads.get(k).length, ((Number) errorRecord(k).get("size")).intValue(), k);
        }

        // every upload is still there, byte for byte
        uploads.forEach((k, v) -> assertArrayEquals(v, p.get(BUCKET, k), k));
        // the good ones: 4th band dropped / alpha kept as mask, 16-bit bw stays 16-bit
        RasterInfo rgbn = new RasterInspector().inspect(download("nc/Kern/USDA_1950/index/cog/rgbn.tif"));
        assertEquals(3, rgbn.bandCount());
        RasterInfo bw16 = new RasterInspector().inspect(download("bw/Kern/USDA_1950/index/cog/shade-uint16.tif"));
        assertEquals("UInt16", bw16.band(1).dataType());
        for (String k : List.of("nc/Kern/USDA_1950/index/cog/rgbn.tif", "nc/Kern/USDA_1950/index/cog/rgba.tif",
                "bw/Kern/USDA_1950/index/cog/shade-uint16.tif")) {
            assertTrue(validate(k).valid(), k);
        }
        // nothing for the rejected ones
        assertFalse(has("nc/Kern/USDA_1950/index/cog/no-crs.tif"));
        // bw and nc uploads of one county/agency/year/kind share the collection (CONTRACTS §3)
        assertEquals(List.of("rgba.tif", "rgbn.tif", "shade-uint16.tif"), rows("kern_usda_1950_index"));
        assertTrue(isEmpty(dir.resolve("scratch/aerial")), "scratch space cleaned after failures too");
    }

    @Test
    void aFrameNameWithoutRollGetsAnErrorRecordBeforeAnythingIsWritten() throws Exception {
        // the original's rule: frames are <date>_<roll>-<frame>; only AMS and USGS may leave the roll out
        String src = "bw/Kern/USDA_1951/frames/georef/1951_12.tif";
        NotifyBuilder done = uploadsDone(src);
        p.put(BUCKET, src, sample(TestRasters.BYTE_UTM11));
        assertDone(done, Duration.ofSeconds(60), "the upload through the aerial routes");
        assertTrue(has("errors/" + src + ".json"), p.keys(BUCKET).toString());
        Map<String, Object> r = errorRecord(src);
        assertTrue(r.get("reason").toString().contains("has no roll"), r.toString());
        assertFalse(has("bw/Kern/USDA_1951/frames/cog/1951_12.tif"), "no COG without its index row");
        assertFalse(has("mapfiles/kern_usda_1951_frames.map"));
    }

    @Test
    void gdalFailingWhileWarpingIsChargedToAerialReprojectAndLeavesNoScratch() throws Exception {
        Path work = Files.createDirectories(dir.resolve("corrupt"));
        String src = "nc/Inyo/USDA_1960/frames/georef/corrupt.tif";
        byte[] bytes = bytes(TestRasters.corruptTiles(work));
        NotifyBuilder done = uploadsDone(src);
        p.put(BUCKET, src, bytes);
        assertDone(done, Duration.ofSeconds(60), "the upload through the aerial routes");
        assertTrue(has("errors/" + src + ".json"), p.keys(BUCKET).toString());

        Map<String, Object> r = errorRecord(src);
        assertEquals("aerial-reproject", r.get("stage"), r.toString());
        assertEquals("GdalCommandException", r.get("error"), r.toString());
        assertTrue(r.get("reason").toString().startsWith("gdalwarp exited with code 1: ERROR"), r.toString());
        String command = r.get("command").toString();
        assertTrue(command.startsWith("gdalwarp ") && command.contains("/vsis3/" + BUCKET + "/" + src)
                && command.endsWith("/warped.tif"), command);
        assertFalse(command.contains(secretKey()) || command.contains("AWS_"), "S3 keys travel in the environment");
        assertFalse(has("nc/Inyo/USDA_1960/frames/cog/corrupt.tif"));
        assertArrayEquals(bytes, p.get(BUCKET, src));
        assertTrue(isEmpty(dir.resolve("scratch/aerial")), "the error record's route removed the scratch files");
    }

    @Test
    void aCogPutStraightIntoCogIsIndexedOnceAndDoesNotLoop() throws Exception {
        String key = "nc/Marin/USDA_1970/mosaic/cog/handmade.tif";
        NotifyBuilder done = uploadsDone(key);
        p.put(BUCKET, key, sample(TestRasters.RGB_UTM18));
        assertDone(done, Duration.ofSeconds(60), "the COG through the aerial routes");
        assertTrue(has("mapfiles/marin_usda_1970_mosaic.map"), p.keys(BUCKET).toString());
        List<String> before = p.keys(BUCKET).stream().filter(k -> k.contains("Marin")).toList();
        var mapHead = p.head(BUCKET, "mapfiles/marin_usda_1970_mosaic.map");
        assertDone(listingsDone(10), Duration.ofSeconds(30), "ten more listings");
        assertEquals(before, p.keys(BUCKET).stream().filter(k -> k.contains("Marin")).toList());
        assertEquals(mapHead.eTag(), p.head(BUCKET, "mapfiles/marin_usda_1970_mosaic.map").eTag(), "indexed once");
        assertFalse(has("errors/" + key + ".json"));
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, src_srs FROM marin_usda_1970_mosaic")) {
            assertTrue(rs.next());
            assertEquals("handmade.tif", rs.getString(1));
            assertEquals("EPSG:32618", rs.getString(2), "the CRS of the file at location");
            assertFalse(rs.next());
        }
    }

    @Test
    void theSameUploadTwiceChangesNothingAndANewVersionReplacesTheRow() throws Exception {
        String src = "nc/Napa/USDA_1955/frames/georef/f1.tif";
        String cog = "nc/Napa/USDA_1955/frames/cog/f1.tif";
        byte[] first = sample(TestRasters.RGB_UTM18);
        NotifyBuilder done = uploadsDone(src);
        p.put(BUCKET, src, first);
        assertDone(done, Duration.ofSeconds(60), "the upload through the aerial routes");
        assertTrue(has(cog) && has("mapfiles/napa_usda_1955_frames.map"), p.keys(BUCKET).toString());
        var cogHead = p.head(BUCKET, cog);
        byte[] mapBefore = p.get(BUCKET, "mapfiles/napa_usda_1955_frames.map");
        List<String> keysBefore = p.keys(BUCKET);

        p.put(BUCKET, src, first); // same bytes again
        assertDone(listingsDone(10), Duration.ofSeconds(30), "ten more listings");
        assertEquals(cogHead.eTag(), p.head(BUCKET, cog).eTag());
        assertEquals(cogHead.lastModified(), p.head(BUCKET, cog).lastModified(), "not written again");
        assertEquals(keysBefore, p.keys(BUCKET));
        assertArrayEquals(mapBefore, p.get(BUCKET, "mapfiles/napa_usda_1955_frames.map"));
        assertEquals(List.of("f1.tif"), rows("napa_usda_1955_frames"));

        // a corrected upload under the same key: processed again, the row replaced (still one)
        Path work = Files.createDirectories(dir.resolve("napa"));
        Path west = work.resolve("west.tif");
        TestRasters.run("gdal_translate", "-q", "-srcwin", "0", "0", "400", "718",
                TestRasters.sample(work, TestRasters.RGB_UTM18).toString(), west.toString());
        Envelope wide = new PostgisTileIndex(pg.dataSource()).extent("napa_usda_1955_frames").orElseThrow();
        NotifyBuilder again = uploadsDone(src);
        p.put(BUCKET, src, bytes(west));
        assertDone(again, Duration.ofSeconds(60), "the new version through the aerial routes");
        assertFalse(cogHead.eTag().equals(p.head(BUCKET, cog).eTag()), "a new COG");
        double width = new PostgisTileIndex(pg.dataSource()).extent("napa_usda_1955_frames").orElseThrow().width();
        assertTrue(width < wide.width() * 0.7, "row replaced: " + width + " vs " + wide.width());
        assertEquals(List.of("f1.tif"), rows("napa_usda_1955_frames"));
        assertTrue(validate(cog).valid());
        assertTrue(p.keys(BUCKET).stream().noneMatch(k -> k.startsWith("errors/nc/Napa")), p.keys(BUCKET).toString());
    }

    @Test
    void aTileIndexOutageIsNotTheUploadsFaultItIsFinishedWhenTheDatabaseIsBack() throws Exception {
        String src = "nc/Lake/USDA_1958/frames/georef/outage.tif";
        // the retries of one try must count up to aerial.retry.max and stop (then a later listing tries again);
        // a stage that lost Camel's redelivery counter would retry for ever, always at attempt 1
        java.util.concurrent.atomic.AtomicInteger highestAttempt = new java.util.concurrent.atomic.AtomicInteger();
        org.apache.camel.spi.EventNotifier attempts = new org.apache.camel.support.EventNotifierSupport() {
            @Override
            public void notify(org.apache.camel.spi.CamelEvent event) {
                if (event instanceof org.apache.camel.spi.CamelEvent.ExchangeRedeliveryEvent r) {
                    highestAttempt.accumulateAndGet(r.getAttempt(), Math::max);
                }
            }
        };
        p.app.context().getManagementStrategy().addEventNotifier(attempts);
        pg.pause();
        try {
            NotifyBuilder tried = uploadsDone(src);
            p.put(BUCKET, src, sample(TestRasters.RGB_UTM18));
            assertDone(tried, Duration.ofSeconds(60), "a try of the upload, retried and left in place");
            assertEquals(3, highestAttempt.get(), "retries per try (aerial.retry.max)");
            assertFalse(has("errors/" + src + ".json"), "a database outage is not the upload's fault");
            assertFalse(has("mapfiles/lake_usda_1958_frames.map"));
            assertTrue(has(src));
        } finally {
            pg.resume();
            p.app.context().getManagementStrategy().removeEventNotifier(attempts);
        }
        // a try that began before the resume may still fail: the first that publishes the mapfile counts
        assertDone(uploadPublished(src), Duration.ofSeconds(60), "the upload once the database is back");
        assertTrue(has("mapfiles/lake_usda_1958_frames.map"), p.keys(BUCKET).toString());
        assertEquals(List.of("outage.tif"), rows("lake_usda_1958_frames"));
        assertTrue(validate("nc/Lake/USDA_1958/frames/cog/outage.tif").valid());
        assertFalse(has("errors/" + src + ".json"));
    }
}
