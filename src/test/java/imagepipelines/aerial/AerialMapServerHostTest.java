package imagepipelines.aerial;

import static imagepipelines.testsupport.TestPipelines.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import imagepipelines.local.LocalStack;
import imagepipelines.testsupport.AclRefusingS3Server;
import imagepipelines.local.EmbeddedPostgres;
import imagepipelines.testsupport.MapServerCgi;
import imagepipelines.testsupport.S3fsView;
import imagepipelines.testsupport.TestPipelines;
import imagepipelines.testsupport.TestRasters;
import org.gdal.gdal.Band;
import org.gdal.gdal.Dataset;
import org.gdal.gdal.gdal;
import org.gdal.gdalconst.gdalconst;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production facts of CONTRACTS §3 on the real parts: a bucket that refuses ACLs (the local S3 server behind
 * {@link AclRefusingS3Server}), a collection whose PostGIS table the original created, uploads through the real
 * routes, and the MapServer host: the published mapfile read through an s3fs-like view (owner and mode from the
 * object metadata), MapServer 8's configuration file and {@code pg_service.conf} as shipped in
 * {@code docs/mapserver-host/}, and {@code mapserv} as a CGI program (WMS GetCapabilities and GetMap) run as an
 * unprivileged user.
 */
class AerialMapServerHostTest {

    static final String BUCKET = "historic-aerials-test";
    static final String WMS = "https://maps.example.org/wms/";
    static final String CDN = "https://cdn.example.org";

    @TempDir
    static Path dir;
    /** The MapServer host's files (world-readable folder: mapserv runs as nobody). */
    static Path host;
    static Path mount;
    static Path config;
    static EmbeddedPostgres pg;
    static AclRefusingS3Server refusing;
    static TestPipelines p;
    static Envelope originalCog;

    @BeforeAll
    static void start() throws Exception {
        GdalRuntime.ensureLoaded();
        pg = EmbeddedPostgres.start("aerial", "postgis");
        host = Files.createTempDirectory(Path.of("/tmp"), "mapserver-host-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        mount = Files.createDirectories(host.resolve("bucket"));

        // a collection the original made: its table with one row, for a COG in the bucket (the west half of the
        // sample's band 1; the test uploads the east half)
        Path west = dir.resolve("west.tif");
        TestRasters.run("gdal_translate", "-q", "-b", "1", "-srcwin", "0", "0", "400", "718",
                TestRasters.sample(dir, TestRasters.RGB_UTM18).toString(), west.toString());
        Path orig = dir.resolve("orig-cog.tif");
        CogConverter.Result c = new CogConverter().convert(BandMode.BW, west, orig);
        originalCog = c.cog().footprint3857().envelope();
        try (Connection con = pg.connect()) {
            OriginalTileIndexTable.create(con, "travis_usda_1940_frames");
            OriginalTileIndexTable.insert(con, "travis_usda_1940_frames", 0, BUCKET,
                    "bw/Travis/USDA_1940/frames/cog/1940_AXI-11.tif", "1940", "AXI", "11", "Travis_USDA_1940_frames",
                    originalCog.minX(), originalCog.minY(), originalCog.maxX(), originalCog.maxY());
        }

        Files.createDirectories(dir.resolve("local/s3"));
        refusing = new AclRefusingS3Server(dir.resolve("local/s3"));
        Map<String, String> o = TestPipelines.aerialSettings(dir, pg);
        // production's intake: S3 events on SQS (the original's COGs already in the bucket announce nothing)
        o.put("aerial.intake.poll.enabled", "false");
        o.put("aerial.intake.sqs.enabled", "true");
        o.put("aerial.queue.wait-seconds", "1");
        // the application talks to the bucket that refuses ACLs (production default: no "unsupported" excuse)
        o.put("aws.s3.endpoint", refusing.endpoint());
        o.put("aerial.acl.unsupported-ok", "false");
        o.put("aerial.location.form", "vsis3");
        o.put("aerial.download-base-url", CDN);
        o.put("aerial.mapfile.postgis-connection", "service=aerial");
        o.put("aerial.mapfile.wms-url", WMS);
        o.put("aerial.mapfile.dir", mount.resolve("mapfiles").toString());
        o.put("aerial.mapfile.error-file", host.resolve("ms_error.log").toString());
        o.put("aerial.compiled-index.period-ms", "1000");
        p = TestPipelines.start(dir, o);
        p.put(BUCKET, "bw/Travis/USDA_1940/frames/cog/1940_AXI-11.tif", Files.readAllBytes(orig));

        // the host's configuration, as shipped, pointed at this machine's paths and database
        Path docs = Path.of("docs/mapserver-host");
        Files.writeString(host.resolve("pg_service.conf"), Files.readString(docs.resolve("pg_service.conf"))
                .replace("host=aerial-tile-index.example.internal", "host=" + pg.host())
                .replace("port=5432", "port=" + pg.port())
                .replace("dbname=aerial", "dbname=" + pg.database())
                .replace("user=mapserver", "user=" + pg.user()));
        Files.writeString(host.resolve("ms_error.log"), "");
        Files.setPosixFilePermissions(host.resolve("ms_error.log"), PosixFilePermissions.fromString("rw-rw-rw-"));
        config = host.resolve("mapserver.conf");
        Files.writeString(config, Files.readString(docs.resolve("mapserver.conf"))
                // the test's mount (a /tmp path of letters, digits, '-' and '/': literal in a POSIX regex)
                .replace("^/mapfiles/", "^" + mount + "/mapfiles/")
                .replace("/var/log/ms_error.log", host.resolve("ms_error.log").toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (p != null) {
                p.close();
            }
            if (refusing != null) {
                refusing.close();
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
            if (host != null) {
                try (Stream<Path> w = Files.walk(host)) {
                    w.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    static boolean has(String key) {
        return p.keys(BUCKET).contains(key);
    }

    /** An upload and S3's event for it on the aerial queue. */
    static void upload(String key, byte[] bytes) {
        p.put(BUCKET, key, bytes);
        String encoded = java.net.URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
        String event = """
            {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
              "eventTime":"2026-12-05T08:00:00.000Z","eventName":"ObjectCreated:Put",
              "s3":{"s3SchemaVersion":"1.0","bucket":{"name":"%s","arn":"arn:aws:s3:::%s"},
                    "object":{"key":"%s","size":%d}}}]}
            """.formatted(BUCKET, BUCKET, encoded, bytes.length);
        String queue = p.stack.sqs().getQueueUrl(r -> r.queueName("historic-aerials-events-test")).queueUrl();
        p.stack.sqs().sendMessage(r -> r.queueUrl(queue).messageBody(event));
    }

    /**
     * The web server's environment for mapserv: the service file (libpq reads PGSERVICEFILE from the process
     * environment), and the stand-in for the host's instance role with which GDAL reads /vsis3/ (never the mapfile).
     */
    static Map<String, String> hostRole() {
        String endpoint = refusing.endpoint().replace("http://", "");
        return Map.of("PGSERVICEFILE", host.resolve("pg_service.conf").toString(),
                "AWS_S3_ENDPOINT", endpoint, "AWS_HTTPS", "NO", "AWS_VIRTUAL_HOSTING", "FALSE",
                "AWS_REGION", LocalStack.REGION, "AWS_ACCESS_KEY_ID", LocalStack.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", LocalStack.SECRET_KEY);
    }

    static MapServerCgi.Response wms(Path mapfile, String request) {
        return MapServerCgi.get(config, "map=" + mapfile + "&SERVICE=WMS&VERSION=1.3.0&" + request, hostRole());
    }

    static List<String> rows(String table, String columns) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + columns + " FROM " + table + " ORDER BY oid")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> v = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    v.add(rs.getString(i));
                }
                out.add(String.join("|", v));
            }
        }
        return out;
    }

    static List<String> layerNames(String capabilities) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("<Layer[^>]*>\\s*<Name>([^<]*)</Name>").matcher(capabilities);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** GetMap of one layer over {@code e} (transparent PNG). */
    static BufferedImage getMap(Path mapfile, String layer, Envelope e) throws Exception {
        MapServerCgi.Response r = wms(mapfile, String.format(Locale.ROOT, "REQUEST=GetMap&LAYERS=%s&STYLES=&CRS=EPSG:3857"
                + "&BBOX=%f,%f,%f,%f&WIDTH=200&HEIGHT=200&FORMAT=image/png&TRANSPARENT=TRUE", layer.replace(" ", "%20"),
                e.minX(), e.minY(), e.maxX(), e.maxY()));
        assertEquals("image/png", r.contentType(), r.text());
        String keep = System.getProperty("aerial.test.keep"); // e.g. -Daerial.test.keep=/tmp/render
        if (keep != null) {
            Files.createDirectories(Path.of(keep));
            Files.write(Path.of(keep, layer + "-" + Math.round(e.minX()) + ".png"), r.body());
            Files.copy(mapfile, Path.of(keep, mapfile.getFileName().toString()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return ImageIO.read(new ByteArrayInputStream(r.body()));
    }

    static int opaqueColours(BufferedImage img, int x0, int y0, int x1, int y1) {
        Set<Integer> c = new HashSet<>();
        for (int x = x0; x < x1; x++) {
            for (int y = y0; y < y1; y++) {
                int argb = img.getRGB(x, y);
                if ((argb >>> 24) == 255) {
                    c.add(argb);
                }
            }
        }
        return c.size();
    }

    @Test
    void anUploadIntoACollectionTheOriginalMadeJoinsItsTableAndTheMapServerHostServesBoth() throws Exception {
        String src = "bw/Travis/USDA_1940/frames/georef/1940_AXI-12.tif";
        String cog = "bw/Travis/USDA_1940/frames/cog/1940_AXI-12.tif";
        String map = "mapfiles/travis_usda_1940_frames.map";
        Path scan = dir.resolve("travis-12.tif");
        TestRasters.run("gdal_translate", "-q", "-b", "1", "-srcwin", "400", "0", "391", "718",
                TestRasters.sample(dir, TestRasters.RGB_UTM18).toString(), scan.toString());
        upload(src, Files.readAllBytes(scan));
        await("COG, tile index and mapfile", Duration.ofSeconds(90), () -> has(cog) && has(map)
                && has("bw/Travis/USDA_1940/frames/cog/tile_index/Travis_USDA_1940_frames_idx.zip"));
        assertFalse(has("errors/" + src + ".json"), "a bucket without ACLs is not the upload's fault");
        assertEquals(1, refusing.aclCalls(), "the refusal is noticed once; no ACL call after it");

        // the original's table: its row kept, ours added in its columns (oid max+1, its derivations and links)
        assertEquals(List.of(
                "0|1940_AXI-11.tif|/vsis3/" + BUCKET + "/bw/Travis/USDA_1940/frames/cog/1940_AXI-11.tif|EPSG:3857|1940"
                        + "|AXI|11|https://cdn.tnris.org/bw/Travis/USDA_1940/frames/scanned/1940_AXI-11.tif",
                "1|1940_AXI-12.tif|/vsis3/" + BUCKET + "/" + cog + "|EPSG:3857|1940|AXI|12|" + CDN
                        + "/bw/Travis/USDA_1940/frames/scanned/1940_AXI-12.tif"),
                rows("travis_usda_1940_frames", "oid, name, location, src_srs, date, roll, frame_num, dl_orig"));
        assertEquals(List.of("https://cdn.tnris.org/bw/Travis/USDA_1940/frames/cog/1940_AXI-11.tif|"
                        + "https://cdn.tnris.org/bw/Travis/USDA_1940/frames/cog/tile_index/Travis_USDA_1940_frames_idx.zip",
                CDN + "/" + cog + "|" + CDN + "/bw/Travis/USDA_1940/frames/cog/tile_index/Travis_USDA_1940_frames_idx.zip"),
                rows("travis_usda_1940_frames", "dl_georef, dl_index"));

        // the tile-index downloads, as the original published them
        for (String ext : List.of("shp", "shx", "dbf", "cpg")) {
            assertTrue(has("bw/Travis/USDA_1940/frames/cog/tile_index/Travis_USDA_1940_frames." + ext), ext);
        }
        Path zip = dir.resolve("travis_idx.zip");
        Files.write(zip, p.get(BUCKET, "bw/Travis/USDA_1940/frames/cog/tile_index/Travis_USDA_1940_frames_idx.zip"));
        String info = TestRasters.run("ogrinfo", "-ro", "-so", "-al", "/vsizip/" + zip);
        assertTrue(info.contains("Feature Count: 2"), info);
        for (String field : List.of("location", "src_srs", "date", "roll", "frame_num", "dl_orig", "dl_georef",
                "dl_index")) {
            assertTrue(info.contains(field + ": String"), field + " in " + info);
        }

        // the mapfile: s3fs metadata, names, no credentials
        Map<String, String> meta = p.head(BUCKET, map).metadata();
        assertEquals("33204", meta.get("mode"));
        assertEquals("500", meta.get("uid"));
        assertEquals("500", meta.get("gid"));
        assertTrue(Math.abs(Long.parseLong(meta.get("mtime")) - System.currentTimeMillis() / 1000) < 600, meta.toString());
        String text = new String(p.get(BUCKET, map), StandardCharsets.UTF_8);
        assertTrue(text.contains("NAME \"TRAVISUSDA1940FRAMES\""), text);
        assertTrue(text.contains("PROCESSING \"CLOSE_CONNECTION=DEFER\""), text);
        assertFalse(text.toLowerCase(Locale.ROOT).contains("password") || text.contains("AWS_"), text);

        // the MapServer host reads it through s3fs: -rw-rw-r-- 500:500
        Path mapfile = S3fsView.materialize(p.s3(), BUCKET, map, mount);
        assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(mapfile)));
        assertEquals(500, Files.getAttribute(mapfile, "unix:uid"));

        String caps = wms(mapfile, "REQUEST=GetCapabilities").text();
        assertEquals(List.of("TRAVISUSDA1940FRAMES", "Travis_USDA_1940_frames", "Travis_USDA_1940_frames_index"),
                layerNames(caps), caps);
        assertTrue(caps.contains("xlink:href=\"" + WMS + "?map=" + mount + "/mapfiles/travis_usda_1940_frames.map&amp;\""),
                caps);

        // both COGs drawn: the one the original indexed and the new one
        Envelope added = new PostgisTileIndex(pg.dataSource()).entries("Travis_USDA_1940_frames").get(1).footprint()
                .envelope();
        for (Envelope e : List.of(originalCog, added)) {
            BufferedImage img = getMap(mapfile, "Travis_USDA_1940_frames", e);
            assertTrue(opaqueColours(img, 80, 80, 120, 120) > 10, "imagery drawn over " + e);
        }
        BufferedImage outlines = getMap(mapfile, "Travis_USDA_1940_frames_index", added);
        assertTrue(opaqueColours(outlines, 0, 0, 200, 200) >= 1, "footprints drawn from PostGIS (service=aerial)");
        assertEquals(0, opaqueColours(outlines, 80, 80, 120, 120), "footprints only: no imagery in that layer");

        // without the metadata s3fs shows ---------- root: MapServer cannot open the mapfile
        p.put(BUCKET, "mapfiles/nometa.map", text.getBytes(StandardCharsets.UTF_8));
        Path bare = S3fsView.materialize(p.s3(), BUCKET, "mapfiles/nometa.map", mount);
        assertEquals("---------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bare)));
        String refused = wms(bare, "REQUEST=GetCapabilities").text();
        assertFalse(refused.contains("<WMS_Capabilities"), refused);
        // MS_MAP_PATTERN: a map outside the mapfiles mount is refused
        Path elsewhere = host.resolve("elsewhere.map");
        Files.copy(mapfile, elsewhere);
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-r--r--"));
        String outside = wms(elsewhere, "REQUEST=GetCapabilities").text();
        assertFalse(outside.contains("<WMS_Capabilities"), outside);
    }

    @Test
    void aCountyWithASpaceGivesOneNameToTableAndMapfileAndA16BitScanHasATransparentCollar() throws Exception {
        String src = "bw/De Witt/USGS_1952/frames/georef/1952_0042.tif";
        String cog = "bw/De Witt/USGS_1952/frames/cog/1952_0042.tif";
        String map = "mapfiles/de_witt_usgs_1952_frames.map";
        // a 16-bit grayscale scan with the original's nodata 256 (values 0..255 as scanned)
        Path scan = dir.resolve("dewitt.tif");
        TestRasters.run("gdal_translate", "-q", "-b", "1", "-ot", "UInt16", "-a_nodata", "256",
                TestRasters.sample(dir, TestRasters.RGB_UTM18).toString(), scan.toString());
        upload(src, Files.readAllBytes(scan));
        await("COG and mapfile", Duration.ofSeconds(90), () -> has(cog) && has(map));
        assertEquals(List.of("0|1952_0042.tif|1952|N/A|0042"),
                rows("de_witt_usgs_1952_frames", "oid, name, date, roll, frame_num"));
        String text = new String(p.get(BUCKET, map), StandardCharsets.UTF_8);
        assertTrue(text.contains("DATA \"geom from de_witt_usgs_1952_frames using unique oid"), text);
        assertTrue(has("bw/De Witt/USGS_1952/frames/cog/tile_index/De Witt_USGS_1952_frames_idx.zip"));

        // the collar, by GDAL: masked at the corners of the grid
        Path local = dir.resolve("dewitt-cog.tif");
        Files.write(local, p.get(BUCKET, cog));
        Dataset ds = gdal.Open(local.toString(), gdalconst.GA_ReadOnly);
        try {
            Band b = ds.GetRasterBand(1);
            assertEquals("UInt16", gdal.GetDataTypeName(b.getDataType()));
            int[] v = new int[1];
            b.GetMaskBand().ReadRaster(0, 0, 1, 1, gdalconst.GDT_Int32, v);
            assertEquals(0, v[0], "collar masked");
        } finally {
            ds.delete();
        }

        // and by MapServer: the corners of the grid are transparent, the scan is drawn
        Path mapfile = S3fsView.materialize(p.s3(), BUCKET, map, mount);
        String caps = wms(mapfile, "REQUEST=GetCapabilities").text();
        assertEquals(List.of("DEWITTUSGS1952FRAMES", "De_Witt_USGS_1952_frames", "De_Witt_USGS_1952_frames_index"),
                layerNames(caps), caps);
        Envelope e = new PostgisTileIndex(pg.dataSource()).extent("De Witt_USGS_1952_frames").orElseThrow();
        BufferedImage img = getMap(mapfile, "De_Witt_USGS_1952_frames", e);
        for (int[] c : new int[][] {{1, 1}, {198, 1}, {1, 198}, {198, 198}}) {
            assertEquals(0, img.getRGB(c[0], c[1]) >>> 24, "collar pixel " + c[0] + "," + c[1] + " transparent");
        }
        assertTrue(opaqueColours(img, 80, 80, 120, 120) > 10, "scan drawn");
        assertEquals(1, refusing.aclCalls(), "no ACL call after the first refusal");
    }

    @Test
    void theCompiledIndexHasEveryCollectionsFootprintsWithTheirLinks() throws Exception {
        String key = "geojson/compiled_historical_indexes.geojson";
        await("compiled index with the original's row", Duration.ofSeconds(30), () -> has(key)
                && new String(p.get(BUCKET, key), StandardCharsets.UTF_8).contains("travis_usda_1940_frames"));
        com.fasterxml.jackson.databind.JsonNode fc = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(p.get(BUCKET, key));
        assertEquals("FeatureCollection", fc.get("type").asText());
        com.fasterxml.jackson.databind.JsonNode f = null;
        for (com.fasterxml.jackson.databind.JsonNode x : fc.get("features")) {
            if (x.at("/properties/dl_georef").asText().endsWith("/1940_AXI-11.tif")) {
                f = x;
            }
        }
        assertTrue(f != null, fc.toString());
        assertEquals("TRAVIS USDA 1940", f.at("/properties/collection").asText());
        assertEquals("travis_usda_1940_frames", f.at("/properties/tablename").asText());
        assertEquals("Polygon", f.at("/geometry/type").asText());
        double lon = f.at("/geometry/coordinates/0/0/0").asDouble();
        assertTrue(lon > -180 && lon < -60, "EPSG:4326 longitude: " + lon);
    }
}
