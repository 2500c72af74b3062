package imagepipelines.ingest.bulk;

import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static imagepipelines.testsupport.TestPipelines.SERVING;
import static imagepipelines.testsupport.TestPipelines.await;
import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import imagepipelines.local.FakeAnimlApi;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures, not a regression test: {@code mvn test -Dtest=BulkMeasureTest -Dbulk.measure=true -Dbulk.measure.n=100}.
 * One zip of n distinct Reconyx images through the real routes: extraction time, whole-batch time, peak heap.
 */
@EnabledIfSystemProperty(named = "bulk.measure", matches = "true")
class BulkMeasureTest {

    @TempDir
    Path dir;

    @Test
    @EnabledIfSystemProperty(named = "bulk.measure.n", matches = "\\d+")
    void measure() throws Exception {
        int n = Integer.getInteger("bulk.measure.n", 100);
        byte[] jpg = resource("/camera-trap/reconyx_pc900_professional.jpg");
        Zips z = new Zips();
        for (int i = 0; i < n; i++) {
            z.add("site" + (i % 7) + "/img" + i + ".jpg", Zips.variant(jpg, "measure " + i));
        }
        byte[] zip = z.build();
        try (TestPipelines p = TestPipelines.start(dir, Map.of("bulk.track.period-ms", "500"))) {
            AtomicLong peak = new AtomicLong();
            Thread sampler = new Thread(() -> {
                var mem = ManagementFactory.getMemoryMXBean();
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            String batch = "batch-" + UUID.randomUUID();
            Instant t0 = Instant.now();
            p.put(INGESTION, batch + ".zip", zip);
            await("ingestionComplete", Duration.ofMinutes(10), () -> has(p.api(), batch, "ingestionComplete"));
            Duration extraction = Duration.between(t0, Instant.now());
            await("processingEnd", Duration.ofMinutes(20), () -> has(p.api(), batch, "processingEnd"));
            Duration whole = Duration.between(t0, Instant.now());
            sampler.interrupt();
            assertEquals(3 * n, p.keys(SERVING).size());
            System.out.printf("BULK-MEASURE n=%d zip=%d bytes extraction=%d ms (%.1f entries/s) batch=%d ms "
                            + "(%.1f images/s) peak heap=%d MB max heap=%d MB%n", n, zip.length, extraction.toMillis(),
                    n * 1000.0 / extraction.toMillis(), whole.toMillis(), n * 1000.0 / whole.toMillis(),
                    peak.get() >> 20, Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    /**
     * A zip larger than the test JVM's heap (-Xmx1g): {@code -Dbulk.measure=true -Dbulk.measure.big.n=620} writes
     * n variants of a 2 MB frame into a zip on disk, uploads it from the file and extracts it.
     */
    @Test
    @EnabledIfSystemProperty(named = "bulk.measure.big.n", matches = "\\d+")
    void zipLargerThanTheHeap() throws Exception {
        int n = Integer.getInteger("bulk.measure.big.n");
        byte[] jpg = resource("/camera-trap/bushnell_trophy_hd_aggressor.jpg");
        Path zipFile = dir.resolve("big.zip");
        try (var out = new java.util.zip.ZipOutputStream(new java.io.BufferedOutputStream(
                java.nio.file.Files.newOutputStream(zipFile), 1 << 20))) {
            for (int i = 0; i < n; i++) {
                out.putNextEntry(new java.util.zip.ZipEntry("roll" + (i % 10) + "/frame" + i + ".jpg"));
                out.write(Zips.variant(jpg, "big " + i));
                out.closeEntry();
            }
        }
        long zipBytes = java.nio.file.Files.size(zipFile);
        try (TestPipelines p = TestPipelines.start(dir, Map.of("bulk.track.period-ms", "2000"))) {
            String batch = "batch-" + UUID.randomUUID();
            p.s3().putObject(r -> r.bucket(INGESTION).key(batch + ".zip"),
                    software.amazon.awssdk.core.sync.RequestBody.fromFile(zipFile));
            System.gc();
            long base = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            AtomicLong peak = new AtomicLong();
            AtomicLong peakAfterGc = new AtomicLong();
            Thread sampler = new Thread(() -> {
                var mem = ManagementFactory.getMemoryMXBean();
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                    long live = 0;
                    for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
                        if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null) {
                            live += pool.getCollectionUsage().getUsed();
                        }
                    }
                    peakAfterGc.accumulateAndGet(live, Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            Instant t0 = Instant.now();
            await("ingestionComplete", Duration.ofMinutes(30), () -> has(p.api(), batch, "ingestionComplete"));
            Duration extraction = Duration.between(t0, Instant.now());
            sampler.interrupt();
            System.out.printf("BULK-MEASURE-BIG n=%d zip=%d MB extraction=%d s (%.1f MB/s, %.1f entries/s) heap before=%d MB "
                            + "peak=%d MB peak after GC=%d MB max=%d MB%n", n, zipBytes >> 20, extraction.toSeconds(),
                    (zipBytes / 1048576.0) / (extraction.toMillis() / 1000.0), n * 1000.0 / extraction.toMillis(),
                    base >> 20, peak.get() >> 20, peakAfterGc.get() >> 20, Runtime.getRuntime().maxMemory() >> 20);
            p.api().reset();
        }
    }

    private static boolean has(FakeAnimlApi api, String batch, String field) {
        Map<String, Object> b = api.batches().get(batch);
        return b != null && b.get(field) != null;
    }
}
