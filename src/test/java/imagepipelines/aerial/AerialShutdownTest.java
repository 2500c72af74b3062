package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import imagepipelines.common.SqsReleaseOnShutdown;
import imagepipelines.local.LocalStack;
import imagepipelines.testsupport.ChildJvm;
import imagepipelines.testsupport.TestPipelines;
import imagepipelines.testsupport.TestRasters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * SIGTERM of a separate application process during a long aerial job (GDAL slowed by a wrapper earlier on the
 * process's PATH): the job does not fit in {@code aerial.shutdown.grace-seconds}, so its message is given back to the
 * queue at once, its GDAL programs stop, nothing is written (no error record, the source untouched), the process
 * exits promptly; a restarted process completes the upload once.
 */
class AerialShutdownTest {

    static final String BUCKET = "historic-aerials-test";
    static final String QUEUE = "historic-aerials-events-test";
    static final String SRC = "nc/Kern/USDA_1950/mosaic/georef/long job.tif";
    static final String COG = "nc/Kern/USDA_1950/mosaic/cog/long job.tif";

    @TempDir
    static Path dir;
    static LocalStack stack;
    static String queueUrl;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(dir.resolve("local"));
        stack.createBuckets(List.of(BUCKET, TestPipelines.PARKINGLOT));
        queueUrl = LocalStack.createQueueWithDeadLetter(stack.sqs(), QUEUE, 5, 3600);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    static Map<String, String> env(int port, String name) {
        Map<String, String> env = new HashMap<>(ChildJvm.asEnv(stack.properties()));
        env.put("CAMEL_MAIN_PROFILE", "local");
        env.put("PIPELINES_LOCAL_ENABLED", "false");
        env.put("PIPELINES_STAGE", "test");
        env.put("PIPELINES_WORKFLOWS", "aerial");
        env.put("PIPELINES_SCRATCH_DIR", dir.resolve("scratch-" + name).toString());
        env.put("CAMEL_SERVER_PORT", String.valueOf(port));
        env.put("CAMEL_MANAGEMENT_PORT", String.valueOf(port));
        env.put("AERIAL_INTAKE_SQS_ENABLED", "true");
        env.put("AERIAL_INTAKE_POLL_ENABLED", "false");
        env.put("AERIAL_TILE_INDEX_GEOPACKAGE", dir.resolve("tile-index.gpkg").toString());
        env.put("AERIAL_COMPILED_INDEX_ENABLED", "false");
        env.put("AERIAL_SHUTDOWN_GRACE_SECONDS", "3");
        return env;
    }

    /** gdalwarp and gdal_translate that take ten minutes before doing their work. */
    static Path slowGdal() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("slow-gdal"));
        for (String prog : List.of("gdalwarp", "gdal_translate")) {
            Path f = bin.resolve(prog);
            Files.writeString(f, "#!/bin/sh\nsleep 600\nexec /usr/bin/" + prog + " \"$@\"\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    @Test
    void sigtermDuringALongJobGivesTheMessageBackAtOnceAndARestartCompletesItOnce() throws Exception {
        byte[] source = TestPipelines.resource("/geotiff/" + TestRasters.RGB_UTM18);
        stack.s3().putObject(r -> r.bucket(BUCKET).key(SRC), RequestBody.fromBytes(source));
        stack.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(imagepipelines.testsupport.S3Events.notification(BUCKET, SRC)));

        int port = TestPipelines.freePort();
        Map<String, String> slowEnv = env(port, "first");
        slowEnv.put("PATH", slowGdal() + ":" + System.getenv("PATH"));
        double exit;
        try (ChildJvm first = ChildJvm.start(dir, "aerial-first", List.of("run"), slowEnv)) {
            first.awaitReady(port, Duration.ofSeconds(180));
            TestPipelines.await("a GDAL program of the job running", Duration.ofSeconds(90), () -> ProcessHandle.of(
                    first.pid()).orElseThrow().descendants().anyMatch(p -> p.info().commandLine().orElse("").contains("slow-gdal")));
            exit = first.sigterm(Duration.ofSeconds(60));
            Message m = receive();
            System.out.printf(Locale.ROOT, "aerial job at SIGTERM (grace 3 s): exit %.2f s after SIGTERM; message"
                    + " receivable again right after%n", exit);
            assertTrue(exit < 15, String.format(Locale.ROOT, "exit %.2f s: %s", exit, first.log()));
            assertTrue(first.log().contains("not finished after"), first.log());
            assertTrue(first.log().contains("stopped at shutdown, left for another replica"), first.log());
            assertEquals("1", m.attributesAsStrings().get("ApproximateReceiveCount"), "the stop used no receive");
            // put it back for the restarted process
            stack.sqs().changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
            assertFalse(ProcessHandle.of(first.pid()).isPresent() && ProcessHandle.of(first.pid()).get().isAlive());
        }
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(
                dir.resolve("slow-gdal").toString())), "no GDAL program left running");
        List<String> keys = keys();
        assertFalse(keys.contains(COG), keys.toString());
        assertFalse(keys.stream().anyMatch(k -> k.startsWith("errors/")), "no error record: " + keys);
        assertArrayEquals(source, stack.s3().getObjectAsBytes(r -> r.bucket(BUCKET).key(SRC)).asByteArray(),
                "the source untouched");

        int port2 = TestPipelines.freePort();
        try (ChildJvm second = ChildJvm.start(dir, "aerial-second", List.of("run"), env(port2, "second"))) {
            second.awaitReady(port2, Duration.ofSeconds(180));
            TestPipelines.await("the COG made by the restarted process", Duration.ofSeconds(120), () -> keys().contains(COG));
            TestPipelines.await("queue drained", Duration.ofSeconds(30), () -> {
                Map<String, String> a = stack.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNamesWithStrings(
                        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
                return "0".equals(a.get("ApproximateNumberOfMessages")) && "0".equals(a.get("ApproximateNumberOfMessagesNotVisible"));
            });
            assertEquals(1, second.log().split("COG ready: ", -1).length - 1, "completed once: " + second.log());
            assertEquals(1, new GeoPackageTileIndex(dir.resolve("tile-index.gpkg")).entries("Kern_USDA_1950_mosaic").size());
            assertFalse(keys().stream().anyMatch(k -> k.startsWith("errors/")), keys().toString());
            assertArrayEquals(source, stack.s3().getObjectAsBytes(r -> r.bucket(BUCKET).key(SRC)).asByteArray());
        }
    }

    static Message receive() {
        List<Message> got = stack.sqs().receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(2)
                .messageSystemAttributeNamesWithStrings("ApproximateReceiveCount")
                .messageAttributeNames(SqsReleaseOnShutdown.REQUEUES_ATTRIBUTE)).messages();
        assertEquals(1, got.size(), "the message is visible again right after the stop");
        return got.get(0);
    }

    static List<String> keys() {
        return stack.s3().listObjectsV2Paginator(r -> r.bucket(BUCKET)).contents().stream()
                .map(software.amazon.awssdk.services.s3.model.S3Object::key).sorted().toList();
    }
}
