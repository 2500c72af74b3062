package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import imagepipelines.local.LocalStack;
import imagepipelines.testsupport.TestRasters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The aerial beans ({@link SourceDownloader}, {@link ScratchSpace}, {@link CogPlanner}) against a real S3 server and
 * the real GDAL programs, without the routes: the download into
 * scratch by parallel ranged GETs ({@code aerial.source.vsis3=false}), and the scratch files of the two GDAL steps.
 */
class AerialBeansTest {

    static final String BUCKET = "historic-aerials-download";

    @TempDir
    static Path dir;
    static LocalStack stack;
    static UploadLedger uploads;
    static ScratchSpace scratch;
    static SourceDownloader downloader;
    static SourceInspector inspector;
    static CogPlanner planner;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(dir.resolve("s3")).createBuckets(List.of(BUCKET));
        var p = stack.properties();
        GeoPackageTileIndex index = new GeoPackageTileIndex(dir.resolve("i.gpkg"));
        CogLocations locations = new CogLocations(BUCKET, "https://" + BUCKET + ".s3.amazonaws.com", "vsicurl", "");
        uploads = new UploadLedger(stack.s3(), BUCKET, new UploadClassifier(),
                new TileIndexPublisher(stack.s3(), index, locations));
        scratch = new ScratchSpace(dir.resolve("scratch").toString(), false);
        downloader = new SourceDownloader(stack.s3(), 4);
        inspector = new SourceInspector(new GdalS3Access(p.get("aws.s3.endpoint"), p.get("aws.region"),
                p.get("aws.access-key"), p.get("aws.secret-key")), 200);
        planner = new CogPlanner("near");
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    AerialJob uploaded(String key, byte[] bytes) {
        stack.s3().putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
        AerialJob job = new UploadClassifier().classify(BUCKET, key);
        assertTrue(uploads.begin(job));
        scratch.prepare(job);
        return job;
    }

    @Test
    void aLargeUploadArrivesWholeFromParallelRangesAndASmallOneInOneGet() throws Exception {
        // 3 parts of 8 MB and a short last one; the odd length checks the range arithmetic
        byte[] big = random((int) (3 * SourceDownloader.MIN_DOWNLOAD_PART + 12345), 1);
        AerialJob job = uploaded("nc/A/B_1950/mosaic/georef/big.tif", big);
        downloader.download(job);
        assertArrayEquals(big, Files.readAllBytes(job.localSource()));
        assertEquals(job.localSource().toString(), job.source());

        byte[] small = random(1000, 2);
        AerialJob one = uploaded("nc/A/B_1950/mosaic/georef/small.tif", small);
        downloader.download(one);
        assertArrayEquals(small, Files.readAllBytes(one.localSource()));
        scratch.cleanup(job);
        scratch.cleanup(one);
    }

    @Test
    void anUploadReplacedAfterItsHeadIsNotMixedIntoOneFile() {
        String key = "nc/A/B_1950/mosaic/georef/replaced.tif";
        for (int size : new int[] {1000, (int) (2 * SourceDownloader.MIN_DOWNLOAD_PART + 1)}) {
            AerialJob job = uploaded(key, random(size, 3));
            stack.s3().putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(random(size, 4)));
            S3Exception e = assertThrows(S3Exception.class, () -> downloader.download(job));
            assertEquals(412, e.statusCode(), e.getMessage());
            scratch.cleanup(job);
        }
    }

    @Test
    void anUploadCalledWarpedTifDoesNotMeetTheScratchCopyOfTheWarp() throws Exception {
        AerialJob job = uploaded("nc/A/B_1950/mosaic/georef/warped.tif",
                Files.readAllBytes(TestRasters.sample(dir, TestRasters.RGB_UTM18)));
        downloader.download(job);
        inspector.inspect(job);
        planner.planCompression(job);
        assertTrue(planner.prepareWarp(job));
        GdalCommandRunner gdal = new GdalCommandRunner();
        gdal.run(job.command());
        gdal.run(planner.cogCommand(job));
        assertNotEquals(job.warpedFile(), job.cogFile());
        assertEquals("warped.tif", job.cogFile().getFileName().toString());
        CogValidator.Result v = new CogValidator(gdal).validate(job.cogFile());
        assertTrue(v.valid(), v.summary());
        assertEquals(List.of("gdalwarp", "gdal_translate"), job.commands().stream().map(c -> c.get(0)).toList());
        scratch.cleanup(job);
        assertTrue(Files.notExists(job.scratchDir()));
    }
}
