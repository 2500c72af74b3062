package imagepipelines.bench;

// Over 300 lines on purpose: one measurement script (our routes and the original's way on the same images, with
// warm-up rounds and the CPU split by thread) whose report compares the two; it runs only as `benchmark-ingest`.

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.PipelinesApp;
import imagepipelines.common.Settings;
import imagepipelines.ingest.ThumbnailMaker;
import imagepipelines.local.LocalStack;
import imagepipelines.local.LoopbackPorts;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code benchmark-ingest [N]}: the full ingest of N distinct 8 MP JPEGs on the local stack, by our routes and by
 * the original's way (one exiftool process per file, one vipsthumbnail process per size), in one run with the same
 * number of workers; plus the CPU the thumbnail stage costs per image, ours against vipsthumbnail's.
 */
public final class IngestBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static int run(List<String> args) throws Exception {
        int n = args.isEmpty() ? 200 : Integer.parseInt(args.get(0));
        // both ways get the same concurrency; the work waits on I/O (S3, exiftool, the API) part of the time
        int workers = args.size() > 1 ? Integer.parseInt(args.get(1)) : 4;
        Path source = Path.of("samples/camera-trap/bushnell_trophy_hd_aggressor.jpg");
        Path work = Files.createTempDirectory("ingest-bench");
        System.out.printf("machine: %d cores, Java %s; %d images made from %s; %d workers each way%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), n, source, workers);

        // a serial number so the API accepts the images and the whole path runs; distinct bytes per image
        Path template = work.resolve("template.jpg");
        exec(List.of("exiftool", "-q", "-SerialNumber=BENCH0001", "-o", template.toString(), source.toString()));
        byte[] base = Files.readAllBytes(template);
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            images.add(withComment(base, "benchmark image " + i));
        }

        Settings settings = new Settings("local");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("pipelines.local.data-dir", work.resolve("local").toString());
        props.put("pipelines.scratch-dir", work.resolve("scratch").toString());
        props.put("camel.server.port", String.valueOf(LoopbackPorts.free()));
        props.put("ingest.workers", String.valueOf(workers));
        props.put("ingest.intake.poll.enabled", "false");
        // the clock starts when the poller is started: list at once rather than after the usual first wait
        props.put("ingest.poll.initial-delay-ms", "0");
        String ingestion = settings.resolve("{{ingest.bucket.ingestion}}", props);
        String serving = settings.resolve("{{ingest.bucket.serving}}", props);
        try (PipelinesApp app = PipelinesApp.start(settings, props, null)) {
            LocalStack stack = app.stack(LocalStack.class);
            S3Client s3 = stack.s3();
            // Warm-up, not measured: both ways run rounds of WARM images until the JIT has settled (compilation under
            // a tenth of the round's time, at most MAX_WARM_ROUNDS rounds), so that both are measured in the steady
            // state a long-running service is in. Without it the first way measured paid for most of the compiling.
            int rounds = 0;
            double jitShare;
            do {
                double compiling0 = compilingSeconds();
                List<byte[]> warmImages = new ArrayList<>();
                for (int i = 0; i < Math.min(WARM, n); i++) {
                    warmImages.add(withComment(base, "warm-up " + rounds + " image " + i));
                }
                Phase a = runOurs(app, s3, ingestion, "warmup", warmImages);
                stack.api().reset();
                Phase b = runOriginal(s3, stack, ingestion, serving, "warmup-orig", warmImages, workers, work);
                clear(s3, serving);
                stack.api().reset();
                rounds++;
                jitShare = (compilingSeconds() - compiling0) / (a.wall + b.wall);
                System.out.printf("warm-up round %d: %d images each way, JIT compiling %.0f%% of the time%n", rounds,
                        warmImages.size(), jitShare * 100);
            } while (jitShare > 0.10 && rounds < MAX_WARM_ROUNDS);
            int warm = rounds * Math.min(WARM, n);

            Phase ours = runOurs(app, s3, ingestion, "bench", images);
            long peakHeap = HeapPeaks.peakBytes();
            int stored = s3.listObjectsV2(r -> r.bucket(serving).prefix("original/")).keyCount();
            if (stored != n) {
                throw new IllegalStateException("only " + stored + " of " + n + " images reached the serving bucket");
            }
            // the original's way on the same stack: fresh API state and serving bucket
            stack.api().reset();
            clear(s3, serving);
            Phase baseline = runOriginal(s3, stack, ingestion, serving, "bench", images, workers, work);

            // thumbnail stage CPU per image, ours in-process vs vipsthumbnail processes, on the same 20 images
            int m = Math.min(20, n);
            ThumbnailMaker maker = new ThumbnailMaker(940, 120, 85, 60_000_000);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            maker.make(images.get(0)); // warm-up
            long thumbCpu0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < m; i++) {
                maker.make(images.get(i));
            }
            double oursCpuMs = (threads.getCurrentThreadCpuTime() - thumbCpu0) / 1e6 / m;
            Path dir = work.resolve("vips");
            Files.createDirectories(dir);
            StringBuilder script = new StringBuilder();
            for (int i = 0; i < m; i++) {
                Path f = dir.resolve("v" + i + ".jpg");
                Files.write(f, images.get(i));
                script.append("vipsthumbnail ").append(f).append(" -s 940x940 -o ").append(dir).append("/m").append(i)
                        .append(".jpg && vipsthumbnail ").append(f).append(" -s 120x120 -o ").append(dir).append("/s")
                        .append(i).append(".jpg\n");
            }
            script.append("times\n");
            String timesOut = exec(List.of("bash", "-c", script.toString()));
            double vipsCpuMs = childCpuSeconds(timesOut) * 1000 / m;

            System.out.printf("%nfull ingest of %d images (download, metadata, thumbnails, createImage, 3 puts, delete),"
                    + " after %d warm-up images each way%n", n, warm);
            System.out.printf("  image-pipelines routes : %6.1f s  %6.1f images/s  CPU %5.0f ms/image%n", ours.wall, n / ours.wall,
                    ours.cpu() * 1000 / n);
            System.out.printf("  original's way         : %6.1f s  %6.1f images/s  CPU %5.0f ms/image%n", baseline.wall,
                    n / baseline.wall, baseline.cpu() * 1000 / n);
            System.out.printf("  speed-up               : %6.2fx wall, %.2fx CPU (goal >= 4x)%n", baseline.wall / ours.wall,
                    baseline.cpu() / ours.cpu());
            System.out.printf("  CPU per image by where it was spent (ms)        %8s %10s%n", "routes", "original");
            java.util.Set<String> groups = new java.util.LinkedHashSet<>(List.of(PIPELINE, CHILDREN, S3_SERVER, API,
                    SQS_SERVER, OTHER, JIT, GC, ENDED));
            groups.addAll(ours.cpuByGroup.keySet());
            groups.addAll(baseline.cpuByGroup.keySet());
            for (String g : groups) {
                System.out.printf("    %-46s %8.1f %10.1f%n", g, ours.cpuByGroup.getOrDefault(g, 0.0) * 1000 / n,
                        baseline.cpuByGroup.getOrDefault(g, 0.0) * 1000 / n);
            }
            System.out.printf("  (CPU = this JVM, which also runs the local S3/SQS/API servers, plus child processes;"
                    + " load average at the end: %.1f)%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf("thumbnail stage CPU per image (940 + 120 px)%n");
            System.out.printf("  libjpeg-turbo scaled decode, in JVM : %6.1f ms%n", oursCpuMs);
            System.out.printf("  vipsthumbnail x2 processes          : %6.1f ms (goal: ours <= this)%n", vipsCpuMs);
            System.out.printf("peak heap during our ingest: %.0f MB (max heap %.0f MB)%n", peakHeap / 1e6,
                    Runtime.getRuntime().maxMemory() / 1e6);
        }
        return 0;
    }

    private static final int WARM = 50;
    private static final int MAX_WARM_ROUNDS = Integer.getInteger("bench.warm.rounds", 10);
    private static final String PIPELINE = "pipeline threads (routes / original's workers)";
    private static final String CHILDREN = "child processes (exiftool, vipsthumbnail)";
    private static final String S3_SERVER = "local S3 server (s3proxy)";
    private static final String API = "local GraphQL API stand-in";
    private static final String SQS_SERVER = "local SQS server";
    private static final String OTHER = "other JVM threads";
    private static final String JIT = "JIT compiler";
    private static final String GC = "GC";
    private static final String ENDED = "threads that ended during the run";

    /** Wall time and CPU of one measured run, the CPU split by thread group (see {@link #threadGroup}). */
    private record Phase(double wall, Map<String, Double> cpuByGroup) {
        double cpu() {
            return cpuByGroup.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /** Puts the images under PREFIX/ and lets the routes' bucket poller ingest them, until the bucket is empty. */
    private static Phase runOurs(PipelinesApp app, S3Client s3, String ingestion, String prefix, List<byte[]> images)
            throws Exception {
        for (int i = 0; i < images.size(); i++) {
            int k = i;
            s3.putObject(r -> r.bucket(ingestion).key(prefix + "/img-" + k + ".jpg"), RequestBody.fromBytes(images.get(k)));
        }
        HeapPeaks.reset();
        Map<String, Double> cpu0 = cpuSnapshot();
        long t0 = System.nanoTime();
        app.context().getRouteController().startRoute("ingest-intake-poll-bucket");
        // a light check (one key) every 200 ms: the waiting must not cost the measured process much CPU
        while (s3.listObjectsV2(r -> r.bucket(ingestion).maxKeys(1)).keyCount() > 0) {
            Thread.sleep(200);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> cpu = ThreadCpu.minus(cpuSnapshot(), cpu0);
        app.context().getRouteController().stopRoute("ingest-intake-poll-bucket");
        return new Phase(wall, cpu);
    }

    /** The same images the original's way, WORKERS at a time. */
    private static Phase runOriginal(S3Client s3, LocalStack stack, String ingestion, String serving, String prefix,
                                     List<byte[]> images, int workers, Path work) throws Exception {
        for (int i = 0; i < images.size(); i++) {
            int k = i;
            s3.putObject(r -> r.bucket(ingestion).key(prefix + "/img-" + k + ".jpg"), RequestBody.fromBytes(images.get(k)));
        }
        Map<String, Double> cpu0 = cpuSnapshot();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                String key = prefix + "/img-" + i + ".jpg";
                done.add(pool.submit(() -> {
                    originalWay(s3, stack, ingestion, serving, key, work);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            return new Phase(wall, ThreadCpu.minus(cpuSnapshot(), cpu0));
        } finally {
            pool.shutdown();
        }
    }

    private static void clear(S3Client s3, String bucket) {
        for (var o : s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()) {
            s3.deleteObject(r -> r.bucket(bucket).key(o.key()));
        }
    }

    /** CPU seconds so far: per thread group of this JVM, threads that have ended, and child processes. */
    static Map<String, Double> cpuSnapshot() throws IOException {
        Map<String, Double> groups = ThreadCpu.byGroup(IngestBenchmark::threadGroup);
        double threads = groups.values().stream().mapToDouble(Double::doubleValue).sum();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        groups.put(ENDED, Math.max(0, os.getProcessCpuTime() / 1e9 - threads));
        groups.put(CHILDREN, childrenCpuSeconds());
        return groups;
    }

    /** Time the JIT compilers have spent compiling (their wall time, which counts waiting for a core too). */
    private static double compilingSeconds() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime() / 1e3;
    }

    /** What a thread does in this benchmark, from its name (as the kernel keeps it: 15 characters). */
    static String threadGroup(String name) {
        String jvm = ThreadCpu.jvmGroup(name);
        if (jvm != null) {
            return jvm;
        }
        if (name.startsWith("S3Proxy")) {
            return S3_SERVER;
        }
        if (name.startsWith("fake-animl-api") || name.startsWith("HTTP-Dispatcher")) {
            return API;
        }
        if (name.startsWith("elasticmq")) {
            return SQS_SERVER;
        }
        if (name.startsWith("pool-") || name.startsWith("Camel")) {
            return PIPELINE;
        }
        return OTHER;
    }

    /** One image the way the Lambda did it: files on disk and a process per tool. */
    private static void originalWay(S3Client s3, LocalStack stack, String ingestion, String serving, String key, Path work)
            throws Exception {
        byte[] bytes = s3.getObjectAsBytes(r -> r.bucket(ingestion).key(key)).asByteArray();
        Path dir = Files.createTempDirectory(work, "orig");
        Path file = dir.resolve("image.jpg");
        Files.write(file, bytes);
        String exif = exec(List.of("exiftool", "-G", "-n", "-j", file.toString()));
        Map<String, Object> tags = new LinkedHashMap<>();
        List<Map<String, Object>> parsed = JSON.readValue(exif,
                new com.fasterxml.jackson.core.type.TypeReference<List<Map<String, Object>>>() { });
        for (Map.Entry<String, Object> e : parsed.get(0).entrySet()) {
            tags.putIfAbsent(e.getKey().substring(e.getKey().indexOf(':') + 1), e.getValue());
        }
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        Map<String, Object> md = new LinkedHashMap<>(tags);
        md.put("Bucket", ingestion);
        md.put("Key", key);
        md.put("FileName", "image.jpg");
        md.put("Hash", hash);
        md.put("ImageBytes", bytes.length);
        md.put("ProdBucket", serving);
        md.put("FileTypeExtension", "jpg");
        md.put("MIMEType", "image/jpeg");
        md.put("SerialNumber", String.valueOf(tags.getOrDefault("SerialNumber", "unknown")));
        md.put("Make", String.valueOf(tags.getOrDefault("Make", "unknown")));
        md.put("DateTimeOriginal", "2015-08-03T04:30:58.000Z");
        md.put("errors", List.of());
        String body = JSON.writeValueAsString(Map.of("operationName", "CreateImageRecord",
                "query", "mutation CreateImageRecord($input: CreateImageInput!) { createImage(input: $input) "
                        + "{ imageAttempt { _id errors { _id error } } } }",
                "variables", Map.of("input", Map.of("md", md))));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.api().url()))
                .header("Content-Type", "application/json").header("x-api-key", LocalStack.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        String id = JSON.readTree(r.body()).path("data").path("createImage").path("imageAttempt").path("_id").asText();
        exec(List.of("vipsthumbnail", file.toString(), "-s", "940x940", "-o", dir.resolve("medium.jpg").toString()));
        exec(List.of("vipsthumbnail", file.toString(), "-s", "120x120", "-o", dir.resolve("small.jpg").toString()));
        s3.putObject(x -> x.bucket(serving).key("original/" + id + "-original.jpg"), RequestBody.fromBytes(bytes));
        s3.putObject(x -> x.bucket(serving).key("medium/" + id + "-medium.jpg"), RequestBody.fromFile(dir.resolve("medium.jpg")));
        s3.putObject(x -> x.bucket(serving).key("small/" + id + "-small.jpg"), RequestBody.fromFile(dir.resolve("small.jpg")));
        s3.deleteObject(x -> x.bucket(ingestion).key(key));
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** Inserts a JPEG comment (COM) segment right after SOI: same pixels, different bytes and hash. */
    public static byte[] withComment(byte[] jpeg, String comment) {
        byte[] text = comment.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + text.length + 4);
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xFE);
        int len = text.length + 2;
        out.write(len >> 8);
        out.write(len & 0xFF);
        out.write(text, 0, text.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** Sums the children's user and system times from bash's {@code times} output (second line). */
    static double childCpuSeconds(String timesOutput) {
        String[] lines = timesOutput.trim().split("\n");
        String children = lines[lines.length - 1].trim();
        double total = 0;
        for (String part : children.split("\\s+")) {
            var m = java.util.regex.Pattern.compile("(\\d+)m([\\d.]+)s").matcher(part);
            if (m.matches()) {
                total += Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    private static String exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(cmd.get(0) + " failed: " + out);
        }
        return out;
    }

    /** CPU of the child processes: those waited for, and those still running (Linux /proc). */
    static double childrenCpuSeconds() throws IOException {
        String[] f = stat("self");
        // fields after the command name: utime, stime at index 11, 12; cutime, cstime at 13, 14 (1-based 14..17)
        double children = (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
        // children still running (the persistent exiftool processes) have not been reaped: count them live
        double live = 0;
        for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
            try {
                String[] c = stat(String.valueOf(h.pid()));
                live += (Long.parseLong(c[11]) + Long.parseLong(c[12])) / 100.0;
            } catch (IOException | RuntimeException gone) {
                // ended between listing and reading: its time is in cutime now
            }
        }
        return children + live;
    }

    private static String[] stat(String pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll("^.*\\) ", "").split(" ");
    }

}
