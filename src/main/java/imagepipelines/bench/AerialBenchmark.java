package imagepipelines.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import imagepipelines.PipelinesApp;
import imagepipelines.aerial.BandMode;
import imagepipelines.aerial.CogCommand;
import imagepipelines.aerial.CogValidator;
import imagepipelines.aerial.GdalCommandRunner;
import imagepipelines.aerial.GdalRuntime;
import imagepipelines.aerial.RasterInfo;
import imagepipelines.aerial.RasterInspector;
import imagepipelines.common.Settings;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * {@code benchmark-aerial [SCALE_PERCENT] [WORK_DIR]}: one natural-colour GeoTIFF (the Landsat sample enlarged, by
 * default 1000% = 7910x7180, UTM) made into a COG in one run, four ways:
 * <ol>
 *   <li>the application: upload to the local S3 bucket under {@code georef/}, the routes (poller, /vsis3/ read,
 *       one-pass gdalwarp -of COG through camel-exec, validation, upload, tile index, mapfile) until the COG is in
 *       the bucket;</li>
 *   <li>our one-pass command on the local file (what the application runs, without S3 and routes);</li>
 *   <li>plain {@code gdal_translate -of COG -co NUM_THREADS=ALL_CPUS} (no reprojection: the floor);</li>
 *   <li>the original's chain (warp, compress, gdaladdo, COG copy).</li>
 * </ol>
 * Wall time and peak resident memory: for single commands from {@code /usr/bin/time -v}; for the application the
 * GDAL child's peak (its {@code VmHWM}, sampled every 20 ms while it runs) and the JVM's own peak ({@code VmHWM}
 * after resetting it).
 */
public final class AerialBenchmark {

    private static final Pattern WALL = Pattern.compile("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (\\S+)");
    private static final Pattern RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

    private record Row(String label, double seconds, long peakKb, String more, String validation) {
    }

    private AerialBenchmark() {
    }

    public static int run(List<String> args) throws Exception {
        int scale = args.isEmpty() ? 1000 : Integer.parseInt(args.get(0));
        Path work = args.size() > 1 ? Files.createDirectories(Path.of(args.get(1)))
                : Files.createTempDirectory("aerial-bench-");
        Path sample = Path.of("samples/geotiff/rgb-3band-utm18.tif");
        Path big = work.resolve("big-utm18-" + scale + ".tif");
        if (!Files.exists(big)) {
            exec(List.of("gdal_translate", "-q", "-outsize", scale + "%", scale + "%", sample.toString(),
                    big.toString()));
        }
        GdalRuntime.ensureLoaded();
        RasterInfo info = new RasterInspector().inspect(big);
        System.out.printf(Locale.ROOT, "source %s: %dx%d, %d bands %s, %d MB, %s; %d CPUs; GDAL %s%n", big,
                info.width(), info.height(), info.bandCount(), info.band(1).dataType(), Files.size(big) >> 20,
                info.srsString(), Runtime.getRuntime().availableProcessors(), GdalRuntime.gdalVersion());
        CogValidator validator = new CogValidator(new GdalCommandRunner());
        List<Row> rows = new ArrayList<>();

        rows.add(applicationPath(big, work, validator));

        Path out = work.resolve("out.tif");
        rows.add(timed("our one-pass command, local file (gdalwarp -of COG)",
                List.of(CogCommand.onePass(info, BandMode.NC, big, out)), out, validator, work));
        rows.add(timed("plain gdal_translate -of COG -co NUM_THREADS=ALL_CPUS (no reprojection)",
                List.of(List.of("gdal_translate", "-of", "COG", "-co", "NUM_THREADS=ALL_CPUS", big.toString(),
                        out.toString())), out, validator, work));
        rows.add(timed("original chain (gdalwarp, gdal_translate, gdaladdo -ro, COG copy)",
                CogCommand.threePassChain(info, BandMode.NC, big, work, out), out, validator, work));

        System.out.printf(Locale.ROOT, "%n%-74s %8s %12s  %s%n", "variant", "wall s", "peak RSS MB", "COG validation");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-74s %8.1f %12.0f  %s%s%n", r.label(), r.seconds(), r.peakKb() / 1024.0,
                    r.validation(), r.more().isEmpty() ? "" : "\n    " + r.more());
        }
        System.out.println("load average at the end: " + Files.readString(Path.of("/proc/loadavg")).strip());
        return 0;
    }

    private static Row applicationPath(Path big, Path work, CogValidator validator) throws Exception {
        Settings settings = new Settings("local");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("pipelines.workflows", "aerial");
        props.put("pipelines.stage", "bench");
        props.put("pipelines.local.data-dir", work.resolve("local").toString());
        props.put("pipelines.scratch-dir", work.resolve("scratch").toString());
        props.put("camel.server.port", String.valueOf(imagepipelines.local.LoopbackPorts.free()));
        props.put("aerial.poll.delay-ms", "100");
        String bucket = settings.resolve("{{aerial.bucket}}", props);
        String key = "nc/Bench/USDA_2000/mosaic/georef/big-" + System.currentTimeMillis() + ".tif";
        String cogKey = key.replace("/georef/", "/cog/");
        try (PipelinesApp app = PipelinesApp.start(settings, props, null)) {
            S3Client s3 = app.stack().s3();
            Map<Long, Long> childPeaks = new ConcurrentHashMap<>();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    ProcessHandle.current().descendants().forEach(ph -> {
                        long kb = statusKb(Path.of("/proc", Long.toString(ph.pid()), "status"), "VmHWM:");
                        if (kb > 0) {
                            childPeaks.merge(ph.pid(), kb, Math::max);
                        }
                    });
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-sampler");
            sampler.setDaemon(true);
            resetJvmPeak();
            sampler.start();
            long t0 = System.nanoTime();
            s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromFile(big));
            double upload = (System.nanoTime() - t0) / 1e9;
            long deadline = System.currentTimeMillis() + Duration.ofMinutes(30).toMillis();
            while (!exists(s3, bucket, cogKey)) {
                if (System.currentTimeMillis() > deadline || exists(s3, bucket, "errors/" + key + ".json")) {
                    throw new IllegalStateException("no COG for " + key + " (see the log)");
                }
                Thread.sleep(50);
            }
            double total = (System.nanoTime() - t0) / 1e9;
            sampling.set(false);
            sampler.join();
            long jvmPeak = statusKb(Path.of("/proc/self/status"), "VmHWM:");
            long gdalPeak = childPeaks.values().stream().mapToLong(Long::longValue).max().orElse(0);
            Path cog = work.resolve("app-cog.tif");
            Files.write(cog, s3.getObjectAsBytes(r -> r.bucket(bucket).key(cogKey)).asByteArray());
            String validation = validator.validate(cog).summary() + ", " + (Files.size(cog) >> 20) + " MB";
            return new Row("application: upload -> routes -> COG in the bucket", total, gdalPeak,
                    String.format(Locale.ROOT, "(upload to local S3 %.1f s; peak RSS above = GDAL child (sampled "
                            + "VmHWM); JVM peak RSS %.0f MB)", upload, jvmPeak / 1024.0), validation);
        }
    }

    private static Row timed(String label, List<List<String>> commands, Path out, CogValidator validator, Path work)
            throws Exception {
        Files.deleteIfExists(out);
        double wall = 0;
        long peak = 0;
        for (List<String> cmd : commands) {
            List<String> t = new ArrayList<>(List.of("/usr/bin/time", "-v"));
            t.addAll(cmd);
            String output = exec(t);
            Matcher w = WALL.matcher(output);
            Matcher r = RSS.matcher(output);
            if (!w.find() || !r.find()) {
                throw new IllegalStateException("no /usr/bin/time -v figures (install Debian's time): " + output);
            }
            wall += seconds(w.group(1));
            peak = Math.max(peak, Long.parseLong(r.group(1)));
        }
        String validation = validator.validate(out).summary() + ", " + (Files.size(out) >> 20) + " MB";
        for (String tmp : List.of("warped.tif", "compressed.tif", "compressed.tif.ovr")) {
            Files.deleteIfExists(work.resolve(tmp));
        }
        return new Row(label + (commands.size() > 1 ? " [" + commands.size() + " commands]" : ""), wall, peak, "",
                validation);
    }

    private static String exec(List<String> cmd) {
        GdalCommandRunner.Result r = new GdalCommandRunner(Duration.ofHours(1), Map.of()).run(cmd);
        return r.stdout() + r.stderr();
    }

    private static double seconds(String hms) {
        double s = 0;
        for (String part : hms.split(":")) {
            s = s * 60 + Double.parseDouble(part);
        }
        return s;
    }

    /** Resets this process's VmHWM (Linux: "5" to /proc/self/clear_refs). */
    private static void resetJvmPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException e) {
            System.out.println("(cannot reset the JVM's peak RSS: " + e.getMessage() + ")");
        }
    }

    private static long statusKb(Path status, String field) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1; // the process has gone
        }
        return -1;
    }

    private static boolean exists(S3Client s3, String bucket, String key) {
        try {
            s3.headObject(r -> r.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        }
    }

}
