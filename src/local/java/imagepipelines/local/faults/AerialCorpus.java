package imagepipelines.local.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The GeoTIFF uploads of the aerial scenarios, made with {@code gdal_translate} from samples/geotiff: natural colour
 * frames in UTM (warped by {@code gdalwarp}, then a JPEG COG), black-and-white frames (a tiny UTM one, warped, and
 * the hillshade already in EPSG:3857, no warp), each copy with its own metadata item (its own bytes), plus uploads
 * that deserve an error record (not a TIFF; a GeoTIFF without CRS). Full scale: more, and the colour frames 3x3
 * larger.
 */
final class AerialCorpus {

    /** One upload: its key in the imagery bucket, its ETag, whether it deserves an error record. */
    record Input(String key, String etag, boolean deservesError) {
        String cogKey() {
            return key.replace("/georef/", "/cog/");
        }

        String fileName() {
            return key.substring(key.lastIndexOf('/') + 1);
        }

        /** {@code <County>_<Agency>_<YYYY>_<kind>}, the tile index's collection. */
        String collection() {
            String[] p = key.split("/");
            return p[1] + "_" + p[2] + "_" + p[3];
        }
    }

    static final String NC = "nc/Suffolk/USDA_1962/frames/georef/";
    static final String BW = "bw/Ventura/USGS_1947/frames/georef/";

    private final Path work;
    private final Path samples;
    private final List<Input> inputs = new ArrayList<>();

    AerialCorpus(Path work) throws IOException {
        this.work = Files.createDirectories(work);
        this.samples = Corpus.samples("geotiff");
    }

    List<Input> inputs() {
        return List.copyOf(inputs);
    }

    /** Uploads {@code colour} colour frames, one tiny and one 3857 b/w frame, and the two bad uploads. */
    void upload(S3Client s3, String bucket, int colour, boolean large) throws IOException, InterruptedException {
        Path rgb = samples.resolve("rgb-3band-utm18.tif");
        if (large) {
            Path big = work.resolve("rgb-large.tif");
            gdal("gdal_translate", "-q", "-outsize", "300%", "300%", "-co", "TILED=YES", rgb.toString(), big.toString());
            rgb = big;
        }
        for (int i = 1; i <= colour; i++) {
            put(s3, bucket, NC + "19620301_7-" + String.format("%04d", i) + ".tif", copy(rgb, "nc-" + i), false);
        }
        put(s3, bucket, BW + "19470512_3-0001.tif", copy(samples.resolve("byte-1band-utm11.tif"), "bw-utm11"), false);
        put(s3, bucket, BW + "19470512_3-0002.tif", copy(samples.resolve("shade-1band-3857.tif"), "bw-3857"), false);
        Path text = work.resolve("not-a-tiff.tif");
        Files.writeString(text, "<html><body>403 Forbidden</body></html>\n");
        put(s3, bucket, NC + "19620301_9-0001.tif", text, true);
        Path noCrs = work.resolve("no-crs.tif");
        gdal("gdal_translate", "-q", "-co", "PROFILE=BASELINE", samples.resolve("byte-1band-utm11.tif").toString(),
                noCrs.toString());
        Files.deleteIfExists(work.resolve("no-crs.tif.aux.xml"));
        put(s3, bucket, BW + "19470512_9-0001.tif", noCrs, true);
    }

    /** A copy of {@code src} with a metadata item of its own (same pixels, different bytes). */
    private Path copy(Path src, String name) throws IOException, InterruptedException {
        Path out = work.resolve(name + ".tif");
        gdal("gdal_translate", "-q", "-mo", "FAULTS_COPY=" + name, src.toString(), out.toString());
        return out;
    }

    private void put(S3Client s3, String bucket, String key, Path file, boolean deservesError) {
        String etag = s3.putObject(r -> r.bucket(bucket).key(key).contentType("image/tiff"), RequestBody.fromFile(file))
                .eTag();
        inputs.add(new Input(key, etag, deservesError));
    }

    static void gdal(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
