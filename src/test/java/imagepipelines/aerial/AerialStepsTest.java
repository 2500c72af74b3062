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
 * {@link AerialSteps} against a real S3 server and the real GDAL programs, without the routes: the download into
 * scratch by parallel ranged GETs ({@code aerial.source.vsis3=false}), and the scratch files of the two GDAL steps.
 */
class AerialStepsTest {

    static final String BUCKET = "historic-aerials-download";

    @TempDir
    static Path dir;
    static LocalStack stack;
    static AerialSteps steps;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(dir.resolve("s3")).createBuckets(List.of(BUCKET));
        var p = stack.properties();
        steps = new AerialSteps(stack.s3(), new GdalS3Access(p.get("aws.s3.endpoint"), p.get("aws.region"),
                p.get("aws.access-key"), p.get("aws.secret-key")), new GeoPackageTileIndex(dir.resolve("i.gpkg")));
        steps.setBucket(BUCKET);
        steps.setScratchDir(dir.resolve("scratch").toString());
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
        AerialJob job = steps.classify(BUCKET, key);
        assertTrue(steps.begin(job));
        steps.prepareScratch(job);
        return job;
    }

    @Test
    void aLargeUploadArrivesWholeFromParallelRangesAndASmallOneInOneGet() throws Exception {
        // 3 parts of 8 MB and a short last one; the odd length checks the range arithmetic
        byte[] big = random((int) (3 * AerialSteps.MIN_DOWNLOAD_PART + 12345), 1);
        AerialJob job = uploaded("nc/A/B_1950/mosaic/georef/big.tif", big);
        steps.download(job);
        assertArrayEquals(big, Files.readAllBytes(job.localSource()));
        assertEquals(job.localSource().toString(), job.source());

        byte[] small = random(1000, 2);
        AerialJob one = uploaded("nc/A/B_1950/mosaic/georef/small.tif", small);
        steps.download(one);
        assertArrayEquals(small, Files.readAllBytes(one.localSource()));
        steps.cleanup(job);
        steps.cleanup(one);
    }

    @Test
    void anUploadReplacedAfterItsHeadIsNotMixedIntoOneFile() {
        String key = "nc/A/B_1950/mosaic/georef/replaced.tif";
        for (int size : new int[] {1000, (int) (2 * AerialSteps.MIN_DOWNLOAD_PART + 1)}) {
            AerialJob job = uploaded(key, random(size, 3));
            stack.s3().putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(random(size, 4)));
            S3Exception e = assertThrows(S3Exception.class, () -> steps.download(job));
            assertEquals(412, e.statusCode(), e.getMessage());
            steps.cleanup(job);
        }
    }

    @Test
    void anUploadCalledWarpedTifDoesNotMeetTheScratchCopyOfTheWarp() throws Exception {
        AerialJob job = uploaded("nc/A/B_1950/mosaic/georef/warped.tif",
                Files.readAllBytes(TestRasters.sample(dir, TestRasters.RGB_UTM18)));
        steps.download(job);
        steps.inspect(job);
        steps.planCompression(job);
        assertTrue(steps.prepareWarp(job));
        GdalCommandRunner gdal = new GdalCommandRunner();
        gdal.run(job.command());
        gdal.run(steps.cogCommand(job));
        assertNotEquals(job.warpedFile(), job.cogFile());
        assertEquals("warped.tif", job.cogFile().getFileName().toString());
        CogValidator.Result v = new CogValidator(gdal).validate(job.cogFile());
        assertTrue(v.valid(), v.summary());
        assertEquals(List.of("gdalwarp", "gdal_translate"), job.commands().stream().map(c -> c.get(0)).toList());
        steps.cleanup(job);
        assertTrue(Files.notExists(job.scratchDir()));
    }
}
