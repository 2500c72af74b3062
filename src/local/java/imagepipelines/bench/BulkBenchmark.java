package imagepipelines.bench;

// Over 300 lines on purpose: one measurement script (zip written as a stream, raw read, split, peak heap and disk)
// whose figures are read together; it runs only as `benchmark-bulk`, not in the service.

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import imagepipelines.PipelinesApp;
import imagepipelines.common.Settings;
import imagepipelines.ingest.UploadKey;
import imagepipelines.local.FakeAnimlApi;
import imagepipelines.local.LocalStack;
import imagepipelines.local.LoopbackPorts;
import org.apache.camel.ProducerTemplate;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code benchmark-bulk [N] [WORKERS]}: one {@code batch-<uuid>.zip} of N distinct camera-trap JPEGs (the samples in
 * samples/camera-trap, each with its own JPEG comment, in nested folders; written to disk as a stream) split by the
 * bulk routes on the embedded local stack. Prints the raw sequential read of the same zip from the local S3 server,
 * the split throughput (from the zip being in the bucket to {@code ingestionComplete} as the API stand-in received
 * it), the time from the start of the upload to ingestionComplete, peak heap and peak disk use. Per-image processing
 * is off (no intake runs), so the figures are the split's alone.
 */
public final class BulkBenchmark {

    private static final double MB = 1e6;
    private static final double MIB = 1024 * 1024;

    public static int run(List<String> args) throws Exception {
        int n = args.isEmpty() ? 2000 : Integer.parseInt(args.get(0));
        Settings settings = new Settings("local");
        String workers = args.size() > 1 ? args.get(1) : settings.get("bulk.workers", "4");
        boolean keep = args.contains("--keep");
        Path work = Files.createTempDirectory(Path.of(settings.get("bench.dir", System.getProperty("java.io.tmpdir"))),
                "bulk-bench");
        System.out.printf("machine: %d cores, Java %s (%s), max heap %.0f MiB, GC %s; load average %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() / MIB, collectors(), loadAverage());

        // ---- the zip, written as a stream (never whole in memory)
        List<Path> samples;
        try (Stream<Path> s = Files.list(Path.of("samples/camera-trap"))) {
            samples = s.filter(p -> p.toString().toLowerCase().endsWith(".jpg")).sorted().toList();
        }
        List<byte[]> sampleBytes = new ArrayList<>();
        for (Path p : samples) {
            sampleBytes.add(Files.readAllBytes(p));
        }
        String batch = "batch-" + UUID.randomUUID();
        Path zip = work.resolve(batch + ".zip");
        long t = System.nanoTime();
        long inflated = writeZip(zip, n, samples, sampleBytes, "bulk benchmark image ");
        long zipBytes = Files.size(zip);
        System.out.printf("zip: %d distinct JPEGs (the %d samples in samples/camera-trap, a JPEG comment each) in "
                        + "site-NN/camera-N/ folders, deflated: %.1f MB (%.1f MB of images), written in %.1f s%n", n,
                samples.size(), zipBytes / MB, inflated / MB, (System.nanoTime() - t) / 1e9);
        // a smaller zip split first and thrown away, so the measured split runs on compiled code (JIT warm-up)
        int warm = Math.min(Integer.getInteger("bench.warm-up", 1000), n);
        String warmBatch = "batch-" + UUID.randomUUID();
        Path warmZip = work.resolve(warmBatch + ".zip");
        writeZip(warmZip, warm, samples, sampleBytes, "bulk benchmark warm-up image ");

        Map<String, String> props = new LinkedHashMap<>();
        props.put("pipelines.workflows", "ingest");
        props.put("pipelines.local.data-dir", work.resolve("local").toString());
        props.put("pipelines.scratch-dir", work.resolve("scratch").toString());
        props.put("camel.server.port", String.valueOf(LoopbackPorts.free()));
        // no intake: the zip is handed to the routes directly and the extracted images are left alone
        props.put("ingest.intake.poll.enabled", "false");
        props.put("ingest.intake.sqs.enabled", "false");
        props.put("bulk.workers", workers);
        String ingestion = settings.resolve("{{ingest.bucket.ingestion}}", props);
        String zipKey = batch + ".zip";
        try (PipelinesApp app = PipelinesApp.start(settings, props, null)) {
            S3Client s3 = app.stack(LocalStack.class).s3();
            FakeAnimlApi api = app.stack(LocalStack.class).api();
            s3.putObject(r -> r.bucket(ingestion).key(warmBatch + ".zip"), RequestBody.fromFile(warmZip));
            long w0 = System.nanoTime();
            split(app, ingestion, warmBatch);
            System.out.printf("warm-up: a zip of %d entries split in %.1f s (not measured)%n", warm,
                    (System.nanoTime() - w0) / 1e9);
            for (var page : s3.listObjectsV2Paginator(r -> r.bucket(ingestion).prefix(warmBatch + "/"))) {
                for (var o : page.contents()) {
                    s3.deleteObject(r -> r.bucket(ingestion).key(o.key()));
                }
            }
            Files.delete(warmZip);
            DiskSampler disk = new DiskSampler(List.of(work.resolve("local"), work.resolve("scratch")));
            disk.start();
            HeapPeaks.reset();

            long up0 = System.nanoTime();
            s3.putObject(r -> r.bucket(ingestion).key(zipKey), RequestBody.fromFile(zip));
            double upload = (System.nanoTime() - up0) / 1e9;
            System.out.printf("upload of the zip to the local S3 server (one PUT): %.1f s, %.1f MB/s%n", upload,
                    zipBytes / MB / upload);

            // the machine's raw sequential read of the same object: one streaming GET, bytes discarded
            double[] raw = new double[2];
            for (int i = 0; i < raw.length; i++) {
                long r0 = System.nanoTime();
                long read = 0;
                byte[] buf = new byte[1 << 16];
                try (InputStream in = s3.getObject(r -> r.bucket(ingestion).key(zipKey))) {
                    int c;
                    while ((c = in.read(buf)) >= 0) {
                        read += c;
                    }
                }
                if (read != zipBytes) {
                    throw new IllegalStateException("read " + read + " of " + zipBytes + " bytes");
                }
                raw[i] = zipBytes / MB / ((System.nanoTime() - r0) / 1e9);
            }
            double rawRead = Math.max(raw[0], raw[1]);
            System.out.printf("raw sequential read of the zip from the local S3 server (one streaming GET, bytes "
                    + "discarded): %.1f MB/s (two reads: %.1f, %.1f MB/s)%n", rawRead, raw[0], raw[1]);

            // ---- the split: from the zip being in the bucket to ingestionComplete received by the API stand-in
            System.gc();
            long idleHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            HeapPeaks.reset();
            disk.resetPeak();
            String loadBefore = loadAverage();
            Map<String, Double> threads0 = ThreadCpu.byGroup(BulkBenchmark::threadGroup);
            double cpu0 = cpuSeconds();
            Instant inBucket = Instant.now();
            long s0 = System.nanoTime();
            Instant complete = split(app, ingestion, batch);
            double wall = (System.nanoTime() - s0) / 1e9;
            double cpu = cpuSeconds() - cpu0;
            Map<String, Double> threads1 = ThreadCpu.byGroup(BulkBenchmark::threadGroup);
            double seconds = java.time.Duration.between(inBucket, complete).toNanos() / 1e9;
            long peakHeap = HeapPeaks.peakBytes();
            long peakLive = peakAfterGc();
            disk.stop();

            int extracted = 0;
            for (var page : s3.listObjectsV2Paginator(r -> r.bucket(ingestion).prefix(batch + "/"))) {
                extracted += page.contents().size();
            }
            Object total = api.batches().getOrDefault(batch, Map.of()).get("total");
            long errors = api.batchErrors().stream().filter(e -> batch.equals(e.get("batch"))).count();
            double splitMbs = zipBytes / MB / seconds;
            System.out.printf("%nsplit of %d entries with bulk.workers=%s (load average before: %s)%n", n, workers,
                    loadBefore);
            System.out.printf("  extracted to %s/: %d of %d (batch total %s, %d batch errors)%n", batch, extracted, n,
                    total, errors);
            System.out.printf("  zip in bucket -> ingestionComplete : %7.1f s  %6.1f MB/s of zip  %6.1f entries/s%n",
                    seconds, splitMbs, n / seconds);
            System.out.printf("  upload start  -> ingestionComplete : %7.1f s (the PUT of the zip + the split; the raw "
                    + "reads measured in between are left out)%n", upload + seconds);
            System.out.printf("  CPU of this JVM (routes + local S3/SQS/API servers): %.1f s (%.0f%% of one core over "
                    + "%.1f s wall; %.2f s per 100 MB of zip)%n", cpu, 100 * cpu / wall, wall, cpu / (zipBytes / MB) * 100);
            StringBuilder by = new StringBuilder();
            for (String k : threads1.keySet()) {
                double d = threads1.get(k) - threads0.getOrDefault(k, 0.0);
                if (d >= 0.05) {
                    by.append(by.length() == 0 ? "" : ", ").append(String.format("%s %.1f s", k, d));
                }
            }
            System.out.printf("    by thread: %s%n", by);
            System.out.printf("  goal: split >= half the raw sequential read: %.1f MB/s vs %.1f MB/s = %.0f%% -> %s%n",
                    splitMbs, rawRead, 100 * splitMbs / rawRead, splitMbs >= rawRead / 2 ? "met" : "NOT met");
            long max = Runtime.getRuntime().maxMemory();
            System.out.printf("peak heap during the split: %.0f MiB (sum of the heap pools' peaks), %.0f MiB left after "
                    + "collections; max heap %.0f MiB (in use after a full collection just before the split: %.0f MiB "
                    + "for the application and the local S3/SQS/API servers)%n", peakHeap / MIB, peakLive / MIB,
                    max / MIB, idleHeap / MIB);
            System.out.printf("  goal: peak heap < 256 MiB -> %s%n", extracted != n ? "NOT met: entries are missing"
                    : max <= 256 * MIB
                    ? "met: the split completed within a heap of at most 256 MiB (-Xmx), with the local S3/SQS servers"
                    : peakHeap < 256 * MIB ? "met (pool peaks)" : "not shown by this run: with a larger max heap the "
                    + "collector lets garbage grow; run with JAVA_OPTS=-Xmx256m to check the bound");
            System.out.printf("peak disk use (local S3 data + scratch, sampled every 200 ms): %.0f MB (the zip itself "
                    + "%.0f MB; MB = 10^6 bytes)%n", disk.peak() / MB, zipBytes / MB);
            if (extracted != n) {
                System.out.printf("NOT ALL ENTRIES WERE EXTRACTED%n");
            }
            System.out.printf("load average at the end: %s%n", loadAverage());
            return extracted == n ? 0 : 1;
        } finally {
            if (!keep) {
                deleteTree(work);
            } else {
                System.out.println("kept: " + work);
            }
        }
    }

    /** Hands the zip to the routes as the intake would, and waits for ingestionComplete at the API stand-in. */
    private static Instant split(PipelinesApp app, String ingestion, String batch) throws InterruptedException {
        FakeAnimlApi api = app.stack(LocalStack.class).api();
        ProducerTemplate producer = app.context().createProducerTemplate();
        Thread split = new Thread(() -> producer.send("direct:ingest-classify-upload",
                ex -> ex.setProperty("upload", UploadKey.parse(ingestion, batch + ".zip"))), "bench-split");
        split.start();
        while (true) {
            for (FakeAnimlApi.Call c : api.calls("UpdateBatch")) {
                if (batch.equals(c.input().get("_id")) && c.input().containsKey("ingestionComplete")) {
                    split.join();
                    return c.time();
                }
            }
            if (!split.isAlive()) {
                throw new IllegalStateException("the split of " + batch + " ended without ingestionComplete");
            }
            Thread.sleep(20);
        }
    }

    /** Writes n distinct JPEG entries (sample bytes plus a comment) as a stream; returns the images' total bytes. */
    private static long writeZip(Path zip, int n, List<Path> samples, List<byte[]> sampleBytes, String comment)
            throws IOException {
        long inflated = 0;
        try (ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(zip), 1 << 20))) {
            for (int i = 0; i < n; i++) {
                int k = i % samples.size();
                byte[] jpg = IngestBenchmark.withComment(sampleBytes.get(k), comment + i);
                String base = samples.get(k).getFileName().toString().replace(".jpg", "");
                out.putNextEntry(new ZipEntry(String.format("site-%02d/camera-%d/%s-%05d.jpg", i % 13, i % 3, base, i)));
                out.write(jpg);
                out.closeEntry();
                inflated += jpg.length;
            }
        }
        return inflated;
    }

    /** What a thread does in this benchmark, from its name. */
    private static String threadGroup(String name) {
        String jvm = ThreadCpu.jvmGroup(name);
        if (jvm != null) {
            return jvm;
        }
        // pool-N-thread-M: the bulk workers of builds before they were named (no other pool works here)
        return name.startsWith("bulk-worker") || name.startsWith("pool-") ? "bulk workers (GET, inflate, PUT)"
                : name.startsWith("S3Proxy") ? "local S3 server" : "other";
    }

    private static String collectors() {
        List<String> names = new ArrayList<>();
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(gc.getName());
        }
        return String.join("/", names);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static double cpuSeconds() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getProcessCpuTime() / 1e9;
    }

    /** Heap in use just after the last collection of each pool (the live set the collector found). */
    private static long peakAfterGc() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (u != null) {
                sum += u.getUsed();
            }
        }
        return sum;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Bytes under some folders, sampled on a daemon thread. */
    private static final class DiskSampler {
        private final List<Path> roots;
        private final AtomicLong peak = new AtomicLong();
        private final PeriodicSampler sampler;

        DiskSampler(List<Path> roots) {
            this.roots = roots;
            this.sampler = new PeriodicSampler("bench-disk-sampler", 200, () -> peak.accumulateAndGet(size(), Math::max));
        }

        void start() {
            sampler.start();
        }

        void resetPeak() {
            peak.set(size());
        }

        void stop() throws InterruptedException {
            sampler.stop();
            peak.accumulateAndGet(size(), Math::max);
        }

        long peak() {
            return peak.get();
        }

        long size() {
            AtomicLong sum = new AtomicLong();
            for (Path root : roots) {
                if (!Files.exists(root)) {
                    continue;
                }
                try {
                    Files.walkFileTree(root, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            sum.addAndGet(attrs.size());
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            return FileVisitResult.CONTINUE; // a file renamed or deleted while walking
                        }
                    });
                } catch (NoSuchFileException gone) {
                    // removed while walking
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return sum.get();
        }
    }
}
