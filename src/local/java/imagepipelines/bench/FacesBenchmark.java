package imagepipelines.bench;

import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.PipelinesApp;
import imagepipelines.common.Settings;
import imagepipelines.faces.FacesStats;
import imagepipelines.faces.model.FaceAnalyzer;
import imagepipelines.faces.model.FaceStageTimes;
import imagepipelines.faces.model.FaceImageDecoder;
import imagepipelines.local.FakeFaceApi;
import imagepipelines.local.LoopbackPorts;

/**
 * {@code benchmark-faces [N] [PHOTO]}: N photos (default 200) of 1200x900 WebP with one face (default the sample
 * src/test/resources/faces/astronaut-1200x900.webp, served at N distinct URLs; nothing in the path caches) through
 * the real faces routes on the local stack: POST /faces/requests -> download -> decode -> detect -> landmarks ->
 * encode -> POST to the receiver stand-in. Prints photos per second, per core, the routes' mean time per stage
 * under that load, and a single-thread breakdown of the model's stages on the same photo.
 */
public final class FacesBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FacesBenchmark() {
    }

    public static int run(List<String> args) throws Exception {
        int n = args.isEmpty() ? 200 : Integer.parseInt(args.get(0));
        Path photoPath = Path.of(args.size() > 1 ? args.get(1) : "src/test/resources/faces/astronaut-1200x900.webp");
        byte[] photo = Files.readAllBytes(photoPath);
        BufferedImage probe = FaceImageDecoder.decode(photo);
        int cores = Runtime.getRuntime().availableProcessors();
        int workers = cores;
        System.out.printf("machine: %d cores, Java %s; %d photos of %dx%d (%s, %d bytes, native WebP %s); %d workers%n",
                cores, System.getProperty("java.version"), n, probe.getWidth(), probe.getHeight(), photoPath,
                photo.length, FaceImageDecoder.nativeWebp() ? "on" : "off", workers);

        Path work = Files.createTempDirectory("faces-bench");
        try (FakeFaceApi api = new FakeFaceApi(0)) {
            api.photo("p.webp", photo);
            Map<String, String> props = new LinkedHashMap<>();
            props.put("pipelines.workflows", "faces");
            props.put("pipelines.local.data-dir", work.resolve("local").toString());
            props.put("pipelines.scratch-dir", work.resolve("scratch").toString());
            int port = LoopbackPorts.free();
            props.put("camel.server.port", String.valueOf(port));
            props.put("camel.management.port", String.valueOf(port));
            props.put("faces.intake.sqs.enabled", "false");
            props.put("faces.allowed-hosts", "127.0.0.1");
            props.put("faces.workers", String.valueOf(workers));
            props.put("faces.queue.consumers", "1");
            // the stand-in does not throttle: measure the routes, not concrexit's 30 posts per minute
            props.put("faces.post.rate-per-minute", "1000000");
            long tLoad = System.nanoTime();
            try (PipelinesApp app = PipelinesApp.start(new Settings("local"), props, null)) {
                System.out.printf("start-up with model load and warm-up: %.1f s%n", (System.nanoTime() - tLoad) / 1e9);
                FacesStats stats = app.context().getRegistry().lookupByNameAndType("facesStats", FacesStats.class);
                HttpClient http = HttpClient.newHttpClient();
                String endpoint = "http://127.0.0.1:" + port + "/faces/requests";
                int warm = Math.max(4, 2 * workers);
                long pk = 1;
                pk = submit(http, endpoint, api, pk, warm);
                waitFor(api, warm);
                stats.reset();

                double cpu0 = cpuSeconds();
                long t0 = System.nanoTime();
                submit(http, endpoint, api, pk, n);
                waitFor(api, warm + n);
                double secs = (System.nanoTime() - t0) / 1e9;
                double cpu = cpuSeconds() - cpu0;
                long faces = api.accepted().stream().skip(warm).filter(p -> p.body().contains("[[")).count();
                if (faces != n) {
                    throw new IllegalStateException(faces + " of " + n + " posts carried a face");
                }
                double rate = n / secs;
                System.out.printf("routes, download -> POST: %d photos in %.2f s = %.2f photos/s = %.2f photos/s/core"
                        + " (CPU %.1f s, %.0f%% of %d cores)%n", n, secs, rate, rate / cores, cpu, 100 * cpu / secs / cores, cores);
                Map<String, Double> means = stats.meansMs();
                System.out.printf("routes, mean per photo under load (%d at once): download %.1f ms, decode %.1f ms,"
                        + " detect+landmarks+encode %.1f ms, POST %.1f ms%n", workers, means.getOrDefault("download", 0.0),
                        means.getOrDefault("decode", 0.0), means.getOrDefault("analyze", 0.0), means.getOrDefault("post", 0.0));
                FaceAnalyzer analyzer = app.context().getRegistry().lookupByNameAndType("faceAnalyzer", FaceAnalyzer.class);
                System.out.println(stages(analyzer, photo, 30));
                // on a shared machine other processes take cores away: photos per CPU-second of this JVM is the
                // per-core rate that does not depend on them (it includes JIT, GC and HTTP threads)
                System.out.printf("per CPU-second of this JVM: %.2f photos (load average at the end %.2f on %d cores)%n",
                        n / cpu, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), cores);
                System.out.printf("goal >= 5 photos/s/core: wall-clock %s, per CPU-second %s%n", rate / cores >= 5 ? "met" : "NOT met",
                        n / cpu >= 5 ? "met" : "NOT met");
            }
        }
        return 0;
    }

    private static long submit(HttpClient http, String endpoint, FakeFaceApi api, long firstPk, int count) throws Exception {
        List<Map<String, Object>> sources = new ArrayList<>();
        long pk = firstPk;
        for (int i = 0; i < count; i++, pk++) {
            String token = String.format("%040d", pk);
            api.expect("photo", pk, token);
            sources.add(Map.of("pk", pk, "type", "photo", "photo_url", api.photoUrl("p.webp") + "?n=" + pk, "token", token));
        }
        String body = JSON.writeValueAsString(Map.of("api_url", api.url(), "sources", sources));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("request refused: " + r.statusCode() + " " + r.body());
        }
        return pk;
    }

    private static void waitFor(FakeFaceApi api, int accepted) throws InterruptedException {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (api.accepted().size() < accepted) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out: " + api.accepted().size() + " of " + accepted + " accepted");
            }
            Thread.sleep(20);
        }
    }

    /** Single-thread time per model stage on one photo (after warm-up), mean of {@code iterations}. */
    static String stages(FaceAnalyzer analyzer, byte[] photo, int iterations) throws Exception {
        return "model stages, " + FaceStageTimes.measure(analyzer, "one thread", photo, 5, iterations).strip();
    }

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }
}
