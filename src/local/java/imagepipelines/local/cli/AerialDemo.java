package imagepipelines.local.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import imagepipelines.aws.S3Objects;
import imagepipelines.aerial.AerialKey;
import imagepipelines.aerial.CogValidator;
import imagepipelines.aerial.Envelope;
import imagepipelines.aerial.GdalCommandRunner;
import imagepipelines.aerial.GeoPackageTileIndex;
import imagepipelines.aerial.MapfileWriter;
import imagepipelines.aerial.TileIndexEntry;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The aerial part of {@code demo}: the sample GeoTIFFs go into the imagery bucket under the key layout, the routes
 * turn them into COGs, tile index rows and mapfiles, and MapServer's {@code map2img} renders each collection's
 * mapfile (as published in the bucket) to a PNG in the demo's data folder.
 */
final class AerialDemo {

    private record Upload(String sample, String key) {
    }

    private static final List<Upload> UPLOADS = List.of(
            new Upload("rgb-3band-utm18.tif", "nc/Suffolk/USDA_1962/mosaic/georef/rgb-3band-utm18.tif"),
            new Upload("rgb-3band-utm18.tif", "nc/Suffolk/USDA_1962/mosaic/scanned/rgb-3band-utm18.tif"),
            new Upload("byte-1band-utm11.tif", "bw/Ventura/USGS_1947/frames/georef/byte-1band-utm11.tif"),
            new Upload("shade-1band-3857.tif", "bw/Sonoma/USGS_1956/mosaic/georef/shade-1band-3857.tif"),
            new Upload(null, "nc/Suffolk/USDA_1962/mosaic/georef/notes.tif"));

    private AerialDemo() {
    }

    static void run(S3Client s3, String bucket, Path samples, Path dataDir) throws Exception {
        if (!Files.isRegularFile(samples.resolve("rgb-3band-utm18.tif"))) {
            samples = Path.of("samples/geotiff");
        }
        if (!Files.isRegularFile(samples.resolve("rgb-3band-utm18.tif"))) {
            System.out.printf("%naerial part skipped: no sample GeoTIFFs in %s%n", samples.toAbsolutePath());
            return;
        }
        Path out = Files.createDirectories(dataDir.resolve("aerial")).toAbsolutePath();
        Path gpkg = dataDir.resolve("aerial").resolve("tile-index.gpkg");
        for (Upload u : UPLOADS) {
            RequestBody body = u.sample() == null
                    ? RequestBody.fromString("not a GeoTIFF: a text file uploaded by mistake\n")
                    : RequestBody.fromFile(samples.resolve(u.sample()));
            s3.putObject(r -> r.bucket(bucket).key(u.key()), body);
        }
        System.out.printf("%nuploaded %d aerial samples to s3://%s/ (georef/ -> COG, scanned/ -> public-read, one bad "
                + "file) ...%n", UPLOADS.size(), bucket);
        long deadline = System.currentTimeMillis() + 180_000;
        for (Upload u : UPLOADS) {
            AerialKey k = AerialKey.parse(u.key());
            if (k.stage() != AerialKey.Stage.GEOREF) {
                continue;
            }
            String cog = k.withStage(AerialKey.Stage.COG).key();
            while (!S3Objects.exists(s3, bucket, cog) && !S3Objects.exists(s3, bucket, "errors/" + u.key() + ".json")
                    || S3Objects.exists(s3, bucket, cog) && !S3Objects.exists(s3, bucket, k.mapfileKey())) {
                if (System.currentTimeMillis() > deadline) {
                    System.err.println("aerial uploads still waiting after 3 minutes; see the log above");
                    break;
                }
                Thread.sleep(200);
            }
        }
        Thread.sleep(500); // the last mapfile write

        String fmt = "%-22s %-11s %-52s %-6s %-5s %-40s %s%n";
        System.out.printf("%n" + fmt, "FILE", "CRS", "COG KEY / ERROR RECORD", "VALID", "ROWS", "MAPFILE", "PNG");
        CogValidator validator = new CogValidator(new GdalCommandRunner());
        GeoPackageTileIndex index = Files.exists(gpkg) ? new GeoPackageTileIndex(gpkg) : null;
        for (Upload u : UPLOADS) {
            AerialKey k = AerialKey.parse(u.key());
            if (k.stage() == AerialKey.Stage.SCANNED) {
                System.out.printf(fmt, k.file(), "-", "(scanned/: kept as uploaded, public-read)", "-", "-", "-", "-");
                continue;
            }
            String cog = k.withStage(AerialKey.Stage.COG).key();
            if (!S3Objects.exists(s3, bucket, cog)) {
                String err = "errors/" + u.key() + ".json";
                String reason = S3Objects.exists(s3, bucket, err) ? reasonOf(s3.getObjectAsBytes(r -> r.bucket(bucket).key(err))
                        .asUtf8String()) : "not processed (see log)";
                System.out.printf(fmt, k.file(), "-", err, "-", "-", "-", reason);
                continue;
            }
            var head = s3.headObject(r -> r.bucket(bucket).key(cog));
            Path local = out.resolve(k.collection() + "-" + k.file());
            Files.write(local, s3.getObjectAsBytes(r -> r.bucket(bucket).key(cog)).asByteArray());
            boolean valid = validator.validate(local).valid();
            List<TileIndexEntry> rows = index == null ? List.of() : index.entries(k.collection());
            String png = "-";
            if (S3Objects.exists(s3, bucket, k.mapfileKey())) {
                Path map = out.resolve(k.collectionTable().replace(' ', '_') + ".map");
                Files.writeString(map, s3.getObjectAsBytes(r -> r.bucket(bucket).key(k.mapfileKey())).asUtf8String());
                Envelope e = rows.stream().filter(x -> x.name().equals(k.file())).findFirst()
                        .map(x -> x.footprint().envelope()).orElse(null);
                if (e != null) {
                    Path pngFile = out.resolve(k.collectionTable().replace(' ', '_') + "-" + k.baseName() + ".png");
                    png = render(map, k.collection(), e, pngFile);
                }
            }
            System.out.printf(fmt, k.file(), head.metadata().getOrDefault("src-srs", "?"), cog, valid ? "yes" : "NO",
                    rows.size(), k.mapfileKey(), png);
        }
        System.out.printf("%nAerial: COGs validated with GDAL's validate_cloud_optimized_geotiff; tile index (GeoPackage) %s;"
                + " mapfiles rendered with map2img while the local S3 server served the COGs.%n", gpkg);
    }

    private static String render(Path map, String collection, Envelope e, Path png) {
        double cx = (e.minX() + e.maxX()) / 2;
        double cy = (e.minY() + e.maxY()) / 2;
        double half = Math.max(e.width(), e.height()) * 0.6;
        List<String> cmd = new ArrayList<>(List.of("map2img", "-m", map.toString(), "-o", png.toString(), "-e",
                Double.toString(cx - half), Double.toString(cy - half), Double.toString(cx + half),
                Double.toString(cy + half), "-s", "512", "512"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "(map2img timed out)";
            }
            return p.exitValue() == 0 && Files.exists(png) ? png.toString() : "(map2img failed: " + p.exitValue() + ")";
        } catch (IOException e1) {
            return "(map2img not installed: mapserver-bin)";
        } catch (InterruptedException e2) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    @SuppressWarnings("unchecked")
    private static String reasonOf(String json) {
        try {
            Map<String, Object> m = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, LinkedHashMap.class);
            return String.valueOf(m.get("reason"));
        } catch (IOException e) {
            return json;
        }
    }

}
