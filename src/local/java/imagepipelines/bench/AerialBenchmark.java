package imagepipelines.bench;

// Over 300 lines on purpose: one measurement script (four ways to one COG, per-stage times, CPU and memory) whose
// steps share the sample, the timings and the report; it runs only as `benchmark-aerial`, not in the service.

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import imagepipelines.PipelinesApp;
import imagepipelines.aerial.AerialJob;
import imagepipelines.aerial.BandMode;
import imagepipelines.aerial.CogCommand;
import imagepipelines.aerial.CogValidator;
import imagepipelines.aerial.GdalCommandRunner;
import imagepipelines.aerial.GdalRuntime;
import imagepipelines.aerial.GdalTuning;
import imagepipelines.aerial.RasterInfo;
import imagepipelines.aerial.RasterInspector;
import imagepipelines.common.Settings;
import imagepipelines.local.LocalStack;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code benchmark-aerial [SCALE_PERCENT] [WORK_DIR]}: one natural-colour GeoTIFF (the Landsat sample enlarged, by
 * default 1000% = 7910x7180, UTM 18N, nodata 0) made into a COG in one run, three ways:
 * <ol>
 *   <li>the application: the source is PUT into the local S3 bucket under {@code georef/}; timed from the moment
 *       that PUT has completed (when S3 would send its event) until the COG is in the bucket (the end of
 *       {@code aerial-store-cog}: PUT and ACL done), with the time of every stage from Camel's exchange-sent
 *       events; the upload itself is printed apart. The same file goes through once first under another key, as
 *       a service that has been running has loaded its classes and compiled its hot code;</li>
 *   <li>plain {@code gdal_translate -of COG -co NUM_THREADS=ALL_CPUS} on the local file (no reprojection, LZW):
 *       the floor;</li>
 *   <li>the original's chain (warp, compress, gdaladdo, COG copy) on the local file, with the same reprojection
 *       resampling as the application.</li>
 * </ol>
 * Our two GDAL commands on the local file are timed too (what the application runs, without S3 and routes). Each
 * is measured {@code -Dbench.aerial.rounds} times (default 5; each round one measured upload, then each command
 * variant once, so a slow spell of the machine hits every variant alike) and the medians are compared, as one run on
 * a 2-CPU VM moves by 5-15%. Goals (issues 4 and 15): application ≤ 1.25x plain gdal_translate, ≥ 1.7x faster than
 * the chain, and ≤ 1.15x our two commands alone.
 *
 * <p>Peak resident memory: for commands from {@code /usr/bin/time -v}; for the application the largest GDAL child
 * ({@code VmHWM} sampled every 100 ms) and the JVM's own {@code VmHWM} after a reset (the JVM also runs the embedded
 * S3 server, which receives the upload).
 */
public final class AerialBenchmark {

    private static final Pattern USER = Pattern.compile("User time \\(seconds\\): ([0-9.]+)");
    private static final Pattern SYS = Pattern.compile("System time \\(seconds\\): ([0-9.]+)");
    private static final Pattern WALL = Pattern.compile("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (\\S+)");
    private static final Pattern RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
    static final double GOAL_VS_PLAIN = 1.25;
    static final double GOAL_VS_CHAIN = 1.7;
    static final double GOAL_VS_OURS = 1.15;
    static final int WARM_UP_JOBS = Integer.getInteger("bench.aerial.warm-ups", 1);
    static final int SMALL_WARM_UP_JOBS = Integer.getInteger("bench.aerial.small-warm-ups", 20);
    /** Measured uploads, and runs of each command variant: the figures compared are the medians. */
    static final int ROUNDS = Integer.getInteger("bench.aerial.rounds", 5);

    /** One measured run; {@code steal}: the machine's steal seconds while it ran. */
    private record Row(String label, double seconds, long peakKb, String more, String validation, double steal) {
    }

    /** One exchange sent to an endpoint, as nanoTime start/end, and the upload it was about (or null). */
    private static final List<ExecCpu> execCpuUse = new CopyOnWriteArrayList<>();

    /**
     * CPU seconds at one moment: this JVM's threads by group, and its reaped children's user+sys; and the page cache
     * not yet on disk then (MB). After {@link #minus} the CPU is the difference and {@code dirtyMb} the earlier mark's.
     */
    private record CpuMark(double jvm, double children, double[] machine, Map<String, Double> threads, double dirtyMb) {

        static CpuMark now() {
            return new CpuMark(jvmCpuNanos() / 1e9, childrenCpuSeconds(), machineCpuSeconds(), ThreadCpu.byGroup(
                    AerialBenchmark::threadGroup), unwrittenPageCacheMb());
        }

        CpuMark minus(CpuMark o) {
            return new CpuMark(jvm - o.jvm, children - o.children,
                    new double[] {machine[0] - o.machine[0], machine[1] - o.machine[1], machine[2] - o.machine[2]},
                    ThreadCpu.minus(threads, o.threads), o.dirtyMb);
        }
    }

    /**
     * Dirty + Writeback of /proc/meminfo in MB. The application writes the download (and, locally, the S3 server the
     * upload) just before gdalwarp writes its warped copy; where the disk is slow, the kernel makes the writer that
     * pushes this past its dirty threshold wait (shown as iowait and a longer command with the same own CPU).
     */
    static double unwrittenPageCacheMb() {
        try (var lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("Dirty:") || l.startsWith("Writeback:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).sum() / 1024.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The kernel's dirty-page thresholds now, in MB: background writeback starts, writers are made to wait. */
    static String dirtyThresholds() {
        try (var lines = Files.lines(Path.of("/proc/vmstat"))) {
            Map<String, Long> v = new java.util.HashMap<>();
            lines.map(l -> l.split(" ")).filter(f -> f[0].startsWith("nr_dirty_"))
                    .forEach(f -> v.put(f[0], Long.parseLong(f[1])));
            return String.format(java.util.Locale.ROOT, "background writeback from %.0f MB, writers wait from %.0f MB",
                    v.getOrDefault("nr_dirty_background_threshold", 0L) * 4 / 1024.0,
                    v.getOrDefault("nr_dirty_threshold", 0L) * 4 / 1024.0);
        } catch (IOException | RuntimeException e) {
            return "dirty thresholds unknown";
        }
    }

    /**
     * The machine's busy CPU seconds (all processes and the kernel: user, nice, system, irq, softirq), its iowait
     * seconds and its steal seconds (time the hypervisor gave this VM's CPUs to others: a slow spell of a shared
     * host that no process here caused), from /proc/stat's first line.
     */
    static double[] machineCpuSeconds() {
        try (var lines = Files.lines(Path.of("/proc/stat"))) {
            String[] f = lines.findFirst().orElseThrow().trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7}) {
                busy += Long.parseLong(f[i]);
            }
            return new double[] {busy / 100.0, Long.parseLong(f[5]) / 100.0, Long.parseLong(f[8]) / 100.0};
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
    }

    private record ExecCpu(String key, long startNs, long endNs, CpuMark used) {
    }

    /** Fields 16 and 17 of /proc/self/stat: user and system time of the children this process has waited for. */
    static double childrenCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) " the fields start at state (field 3): cutime is field 16, cstime 17
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private record Sent(String uri, String key, long startNs, long endNs) {

        double seconds() {
            return (endNs - startNs) / 1e9;
        }
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
                    big.toString()), Map.of());
        }
        GdalRuntime.ensureLoaded();
        Settings settings = new Settings("local");
        String resampling = CogCommand.resampling(settings.get("aerial.reproject.resampling",
                CogCommand.DEFAULT_RESAMPLING));
        String vsis3 = settings.get("aerial.source.vsis3", "true");
        RasterInfo info = new RasterInspector().inspect(big);
        System.out.println("CPU: " + cpuModel() + "; " + cpuReference());
        System.out.println("page cache not yet on disk: " + dirtyThresholds());
        System.out.printf(Locale.ROOT, "source %s: %dx%d, %d bands %s, %d MB, %s; %d CPUs; GDAL %s%n", big,
                info.width(), info.height(), info.bandCount(), info.band(1).dataType(), Files.size(big) >> 20,
                info.srsString(), Runtime.getRuntime().availableProcessors(), GdalRuntime.gdalVersion());
        System.out.printf(Locale.ROOT, "reprojection resampling %s (aerial.reproject.resampling); source read %s "
                + "(aerial.source.vsis3=%s)%n", resampling, Boolean.parseBoolean(vsis3) ? "through /vsis3/"
                : "from a download into scratch", vsis3);
        CogValidator validator = new CogValidator(new GdalCommandRunner());

        Path out = work.resolve("out.tif");
        boolean tuning = Boolean.parseBoolean(settings.get("aerial.gdal.tuning", "true"));
        // every variant takes its turn in every round, the application's measured upload first, so a slow spell of
        // the machine (or of a shared host: see steal) does not hit one variant only; the idle service stays up
        // while the commands run, as it would on the machine the commands are compared for
        List<Row> oursRuns = new ArrayList<>();
        List<Row> plainRuns = new ArrayList<>();
        List<Row> chainRuns = new ArrayList<>();
        List<Row> freshRuns = new ArrayList<>();
        Path fresh = work.resolve("fresh-copy.tif");
        System.out.println("load average before the application starts: " + loadAverage());
        List<AppRun> appRuns = applicationPath(settings, big, sample, work, validator, round -> {
            oursRuns.add(timed("our two commands, local file (gdalwarp into scratch, gdal_translate -of COG)"
                            + (tuning ? ", GdalTuning environment" : ""),
                    CogCommand.commands(info, BandMode.NC, big, work.resolve("warped.tif"), out, resampling), out,
                    validator, work, GdalTuning.environment(tuning)));
            plainRuns.add(timed("plain gdal_translate -of COG -co NUM_THREADS=ALL_CPUS (no reprojection, LZW)",
                    List.of(List.of("gdal_translate", "-of", "COG", "-co", "NUM_THREADS=ALL_CPUS", big.toString(),
                            out.toString())), out, validator, work, Map.of()));
            chainRuns.add(timed("original chain (gdalwarp -r " + resampling + ", gdal_translate, gdaladdo -ro, COG copy)",
                    CogCommand.threePassChain(info, BandMode.NC, big, work, out, resampling), out, validator, work,
                    Map.of()));
            // the application warps a file it has just written (the download); the same two commands on a copy
            // written just before them tell whether a freshly written source (its pages dirty, writeback under way)
            // costs more than the file long on disk
            Files.copy(big, fresh, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            freshRuns.add(timed("our two commands on a copy of the source written just before",
                    CogCommand.commands(info, BandMode.NC, fresh, work.resolve("warped.tif"), out, resampling), out,
                    validator, work, GdalTuning.environment(tuning)));
            Files.delete(fresh);
            System.out.printf(Locale.ROOT, "round %d of %d: ours %.2f s, plain %.2f s, chain %.2f s, ours on a fresh "
                            + "copy %.2f s (load %s)%n", round, ROUNDS, oursRuns.get(round - 1).seconds(),
                    plainRuns.get(round - 1).seconds(), chainRuns.get(round - 1).seconds(),
                    freshRuns.get(round - 1).seconds(), loadAverage());
        });
        AppRun app = median(appRuns, r -> r.row.seconds());
        Row ours = median(oursRuns, Row::seconds);
        Row plain = median(plainRuns, Row::seconds);
        Row chain = median(chainRuns, Row::seconds);
        Row freshOurs = median(freshRuns, Row::seconds);
        List<Row> rows = List.of(app.row, ours, plain, chain, freshOurs);

        System.out.println();
        System.out.printf(Locale.ROOT, "application stages of its median upload (from Camel's exchange-sent events; "
                + "seconds):%n");
        app.stages.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-82s %6.2f%n", k, v));
        System.out.printf(Locale.ROOT, "%nmedian of %d runs each%n%-78s %8s %12s  %s%n", ROUNDS, "variant", "wall s",
                "peak RSS MB", "COG validation");
        List<List<Row>> runs = List.of(appRuns.stream().map(AppRun::row).toList(), oursRuns, plainRuns, chainRuns,
                freshRuns);
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            System.out.printf(Locale.ROOT, "%-78s %8.2f %12.0f  %s%n    runs: %s, steal in each: %s%s%n", r.label(),
                    r.seconds(), r.peakKb() / 1024.0, r.validation(), twoDecimals(runs.get(i), Row::seconds),
                    twoDecimals(runs.get(i), Row::steal), r.more().isEmpty() ? "" : "\n    " + r.more());
        }
        double vsPlain = app.row.seconds() / plain.seconds();
        double vsChain = chain.seconds() / app.row.seconds();
        System.out.printf(Locale.ROOT, "%napplication / plain gdal_translate: %.2fx (goal <= %.2fx: %s)%n", vsPlain,
                GOAL_VS_PLAIN, vsPlain <= GOAL_VS_PLAIN ? "met" : "NOT met");
        System.out.printf(Locale.ROOT, "original chain / application:      %.2fx (goal >= %.2fx: %s)%n", vsChain,
                GOAL_VS_CHAIN, vsChain >= GOAL_VS_CHAIN ? "met" : "NOT met");
        double vsOurs = app.row.seconds() / ours.seconds();
        System.out.printf(Locale.ROOT, "application / our two commands:    %.2fx (goal <= %.2fx: %s; the "
                + "application's own cost around the same two commands)%n", vsOurs, GOAL_VS_OURS,
                vsOurs <= GOAL_VS_OURS ? "met" : "NOT met");
        System.out.printf(Locale.ROOT, "our two commands / plain: %.2fx; chain / our two commands: %.2fx; on a copy "
                        + "written just before / on the file long on disk: %.2fx%n",
                ours.seconds() / plain.seconds(), chain.seconds() / ours.seconds(),
                freshOurs.seconds() / ours.seconds());
        System.out.println("CPU: " + cpuModel() + "; " + cpuReference());
        System.out.println("load average at the end: " + loadAverage());
        return 0;
    }

    private record AppRun(Row row, Map<String, Double> stages) {
    }

    /** What runs after each measured upload, while the service waits idle (the other variants' turn). */
    private interface Round {
        void after(int round) throws Exception;
    }

    private static List<AppRun> applicationPath(Settings settings, Path big, Path sample, Path work,
                                                CogValidator validator, Round between)
            throws Exception {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("pipelines.workflows", "aerial");
        props.put("pipelines.stage", "bench");
        // a fresh bucket per run: uploads of earlier runs would be listed (and checked) by the poller
        Path localData = work.resolve("local-" + System.currentTimeMillis());
        props.put("pipelines.local.data-dir", localData.toString());
        props.put("pipelines.scratch-dir", work.resolve("scratch").toString());
        props.put("camel.server.port", String.valueOf(imagepipelines.local.LoopbackPorts.free()));
        // as in production: S3's event through SQS (the local ElasticMQ), which the benchmark sends when the PUT is
        // done; the local default's bucket poller would list the bucket all through the job, on the same 2 cores
        props.put("aerial.intake.poll.enabled", "false");
        props.put("aerial.intake.sqs.enabled", "true");
        String bucket = settings.resolve("{{aerial.bucket}}", props);
        String baseKey = "nc/Bench/USDA_2000/mosaic/georef/big-" + System.currentTimeMillis() + ".tif";
        try (PipelinesApp app = PipelinesApp.start(settings, props, null)) {
            S3Client s3 = app.stack(LocalStack.class).s3();
            List<Sent> sent = new CopyOnWriteArrayList<>();
            // start times from the sending events (nanoseconds): the sent event's own time taken is in whole
            // milliseconds, and a stage's first send within its first millisecond then seemed to start before it
            Map<String, java.util.Deque<Long>> sending = new ConcurrentHashMap<>();
            // CPU around each GDAL command: the child's own (reaped children's user+sys of this process) and the
            // JVM's by thread group, to tell a slower program from one that shares the CPUs with the JVM
            Map<String, CpuMark> execCpu = new ConcurrentHashMap<>();
            EventNotifierSupport notifier = new EventNotifierSupport() {
                @Override
                public void notify(CamelEvent event) {
                    if (event instanceof ExchangeSendingEvent e) {
                        if (e.getEndpoint().getEndpointUri().startsWith("exec:")) {
                            execCpu.put(e.getExchange().getExchangeId(), CpuMark.now());
                        }
                        sending.computeIfAbsent(sendKey(e.getExchange().getExchangeId(), e.getEndpoint()
                                .getEndpointUri()), k -> new java.util.concurrent.ConcurrentLinkedDeque<>())
                                .push(System.nanoTime());
                    } else if (event instanceof ExchangeSentEvent e) {
                        long end = System.nanoTime();
                        java.util.Deque<Long> starts = sending.get(sendKey(e.getExchange().getExchangeId(),
                                e.getEndpoint().getEndpointUri()));
                        Long start = starts == null ? null : starts.poll();
                        AerialJob job = e.getExchange().getProperty("aerial", AerialJob.class);
                        CpuMark before = e.getEndpoint().getEndpointUri().startsWith("exec:")
                                ? execCpu.remove(e.getExchange().getExchangeId()) : null;
                        if (before != null && job != null) {
                            execCpuUse.add(new ExecCpu(job.rawKey(), start != null ? start : end, end,
                                    CpuMark.now().minus(before)));
                        }
                        sent.add(new Sent(e.getEndpoint().getEndpointUri(), job == null ? null : job.rawKey(),
                                start != null ? start : end - e.getTimeTaken() * 1_000_000L, end));
                    }
                }
            };
            notifier.setIgnoreExchangeEvents(false);
            ServiceHelper.startService(notifier);
            app.context().getManagementStrategy().addEventNotifier(notifier);

            // a service that has been running has loaded its classes, resolved its bean methods and compiled its hot
            // code (the S3 server's and client's too): the same file goes through WARM_UP_JOBS time(s)
            // first (a second one measured no different: the JIT compiler still works during the measured job)
            Intake intake = new Intake(s3, app.stack(LocalStack.class).sqs(), app.stack(LocalStack.class).sqs().getQueueUrl(r -> r.queueName(
                    settings.resolve("{{aerial.queue}}", props))).queueUrl(), bucket, sent);
            for (int i = 1; i <= WARM_UP_JOBS; i++) {
                String warmKey = baseKey.replace("/big-", "/warm-up-" + i + "-");
                long w1 = intake.upload(warmKey, big);
                intake.awaitJob(warmKey, Duration.ofMinutes(2));
                System.out.printf(Locale.ROOT, "warm-up %d: the same file under another key, PUT done -> job done (COG, "
                        + "index, mapfile): %.2f s%n", i, (System.nanoTime() - w1) / 1e9);
            }
            // the per-job Java code (routes, S3 requests, GDAL bindings) is compiled by the JIT only after it has run
            // many times; a service that has been up has done many jobs: SMALL_WARM_UP_JOBS of the small sample
            long s1 = System.nanoTime();
            for (int i = 1; i <= SMALL_WARM_UP_JOBS; i++) {
                String warmKey = baseKey.replace("/big-", "/warm-up-small-" + i + "-");
                intake.upload(warmKey, sample);
                intake.awaitJob(warmKey, Duration.ofMinutes(2));
            }
            if (SMALL_WARM_UP_JOBS > 0) {
                System.out.printf(Locale.ROOT, "warm-up: %d jobs of the %d KB sample in %.1f s%n", SMALL_WARM_UP_JOBS,
                        Files.size(sample) >> 10, (System.nanoTime() - s1) / 1e9);
            }

            List<AppRun> runs = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                String key = baseKey.replace("/big-", "/big-" + round + "-");
                String cogKey = key.replace("/georef/", "/cog/");
                Map<Long, Long> childPeaks = new ConcurrentHashMap<>();
                // VmHWM is a high-water mark: a coarse period loses nothing of a process that lives longer
                PeriodicSampler sampler = new PeriodicSampler("rss-sampler", 100, () ->
                        ProcessHandle.current().descendants().forEach(ph -> {
                            long kb = statusKb(Path.of("/proc", Long.toString(ph.pid()), "status"), "VmHWM:");
                            if (kb > 0) {
                                childPeaks.merge(ph.pid(), kb, Math::max);
                            }
                        }));
                resetJvmPeak();
                sampler.start();
                long t0 = System.nanoTime();
                long putDone = intake.upload(key, big);
                double steal0 = machineCpuSeconds()[2];
                long cpu0 = jvmCpuNanos();
                long gc0 = gcMillis();
                Map<String, Double> threads0 = ThreadCpu.byGroup(AerialBenchmark::threadGroup);
                intake.awaitJob(key, Duration.ofMinutes(30));
                double steal = machineCpuSeconds()[2] - steal0;
                sampler.stop();
                if (!exists(s3, bucket, cogKey)) {
                    throw new IllegalStateException("no COG for " + key + " (see the log)");
                }
                long jvmPeak = statusKb(Path.of("/proc/self/status"), "VmHWM:");
                long gdalPeak = childPeaks.values().stream().mapToLong(Long::longValue).max().orElse(0);
                Sent store = first(sent, "direct://aerial-store-cog", key);
                Map<String, Double> stages = stages(sent, key, putDone);
                stages.put("JVM's own CPU while the job ran (routes, S3 server, GC; GDAL is apart)",
                        (jvmCpuNanos() - cpu0) / 1e9);
                stages.put("  of which garbage collection (wall)", (gcMillis() - gc0) / 1e3);
                ThreadCpu.minus(ThreadCpu.byGroup(AerialBenchmark::threadGroup), threads0).entrySet().stream()
                        .filter(en -> en.getValue() >= 0.01)
                        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                        .forEach(en -> stages.put("  threads " + en.getKey(), en.getValue()));
                double total = (store.endNs - putDone) / 1e9;
                Path cog = work.resolve("app-cog.tif");
                Files.write(cog, s3.getObjectAsBytes(r -> r.bucket(bucket).key(cogKey)).asByteArray());
                String validation = validator.validate(cog).summary() + ", " + (Files.size(cog) >> 20) + " MB";
                Row row = new Row("application: upload PUT completed -> routes -> COG in the bucket", total, gdalPeak,
                        String.format(Locale.ROOT, "(upload PUT of the %d MB source to the local S3 before it: %.2f s, "
                                        + "not counted; peak RSS above = largest GDAL child (sampled VmHWM); JVM peak RSS "
                                        + "%.0f MB)",
                                Files.size(big) >> 20, (putDone - t0) / 1e9, jvmPeak / 1024.0),
                        validation, steal);
                runs.add(new AppRun(row, stages));
                System.out.printf(Locale.ROOT, "application, measured upload %d of %d: %.2f s (steal %.2f s)%n",
                        round, ROUNDS, row.seconds(), row.steal());
                between.after(round);
            }
            return runs;
        } finally {
            deleteTree(localData);
        }
    }

    /** Uploads as S3 and its event notification would deliver them, and the wait for each job's end. */
    private record Intake(S3Client s3, SqsClient sqs, String queueUrl, String bucket, List<Sent> sent) {

        /**
         * PUTs {@code file} under {@code key}, then sends what S3 sends to the aerial queue when an object is created
         * (CONTRACTS.md §3; S3EventParser reads it). Returns System.nanoTime() when the PUT was done.
         */
        long upload(String key, Path file) {
            s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromFile(file));
            long putDone = System.nanoTime();
            String encoded = java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("%2F", "/");
            String event = """
                {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put",
                  "s3":{"bucket":{"name":"%s"},"object":{"key":"%s"}}}]}""".formatted(bucket, encoded);
            sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(event));
            return putDone;
        }

        /**
         * Waits on Camel's events, not by polling S3 (which would load the JVM that runs the S3 server):
         * aerial-process-georef's own event comes when the whole job (COG, index, mapfile) is done.
         */
        void awaitJob(String key, Duration max) throws InterruptedException {
            if (!awaitSent(sent, "direct://aerial-process-georef", key, max)) {
                throw new IllegalStateException("the job of " + key + " did not finish (see the log)");
            }
        }
    }

    /**
     * SHA-256 speed of this machine now, on one thread and on two at once (MB/s each): a VM's CPUs run slower in
     * some hours than in others, and two vCPUs are not always two cores; printed at the start and the end of a run
     * so runs of one machine, and machines, can be told apart by more than the model name.
     */
    static String cpuReference() {
        try {
            double one = sha256MbPerSecond(1);
            double two = sha256MbPerSecond(2);
            return String.format(Locale.ROOT, "SHA-256 %.0f MB/s on one thread, %.0f MB/s on each of two at once "
                    + "(%.2fx)", one, two, 2 * two / one);
        } catch (Exception e) {
            return "CPU reference failed: " + e;
        }
    }

    private static double sha256MbPerSecond(int threads) throws Exception {
        byte[] block = new byte[1 << 20];
        new java.util.Random(1).nextBytes(block);
        int mb = 384;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<Double>> each = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                each.add(pool.submit(() -> {
                    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
                    for (int i = 0; i < 32; i++) { // warm: the JIT compiles the digest loop first
                        sha.update(block);
                    }
                    long t0 = System.nanoTime();
                    for (int i = 0; i < mb; i++) {
                        sha.update(block);
                    }
                    sha.digest();
                    return mb / ((System.nanoTime() - t0) / 1e9);
                }));
            }
            double sum = 0;
            for (var f : each) {
                sum += f.get();
            }
            return sum / threads;
        } finally {
            pool.shutdownNow();
        }
    }

    /** /proc/cpuinfo's model name (ratios are compared across machines; absolute seconds are not). */
    static String cpuModel() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String sendKey(String exchangeId, String uri) {
        return exchangeId + " " + uri;
    }

    /** The middle element by {@code by} (the upper middle one of an even count). */
    private static <T> T median(List<T> runs, java.util.function.ToDoubleFunction<T> by) {
        List<T> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingDouble(by));
        return sorted.get(sorted.size() / 2);
    }

    private static List<String> twoDecimals(List<Row> rows, java.util.function.ToDoubleFunction<Row> figure) {
        return rows.stream().map(r -> String.format(Locale.ROOT, "%.2f", figure.applyAsDouble(r))).toList();
    }

    /** A thread's name without its numbers: threads of one pool count together. */
    private static String threadGroup(String name) {
        String jvm = ThreadCpu.jvmGroup(name);
        return jvm != null ? jvm : name.replaceAll("[0-9]+", "#");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void execCpuLines(Map<String, Double> m, String name, String key, Sent exec) {
        execCpuUse.stream().filter(c -> c.key().equals(key) && Math.abs(c.endNs() - exec.endNs) < 50_000_000L)
                .findFirst().ifPresent(c -> {
                    m.put("    " + name + "'s own CPU (user+sys)", c.used().children());
                    m.put("    JVM's CPU during " + name, c.used().jvm());
                    m.put("    the rest of the machine's CPU during " + name + " (other processes, kernel)",
                            c.used().machine()[0] - c.used().children() - c.used().jvm());
                    m.put("    the machine's iowait during " + name, c.used().machine()[1]);
                    m.put("    the machine's steal during " + name + " (the hypervisor ran others)",
                            c.used().machine()[2]);
                    m.put("    page cache not yet on disk when " + name + " started (MB, not s)", c.used().dirtyMb());
                    c.used().threads().entrySet().stream().filter(en -> en.getValue() >= 0.01)
                            .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(4)
                            .forEach(en -> m.put("      " + name + ": JVM threads " + en.getKey(), en.getValue()));
                });
    }

    /** Per-stage seconds of the one upload, from the sends of aerial-process-georef (and exec / S3 inside them). */
    private static Map<String, Double> stages(List<Sent> sent, String key, long putDone) {
        Map<String, Double> m = new LinkedHashMap<>();
        Sent georef = first(sent, "direct://aerial-process-georef", key);
        Sent fetch = first(sent, "direct://aerial-fetch-source", key);
        Sent reproject = first(sent, "direct://aerial-reproject", key);
        Sent make = first(sent, "direct://aerial-make-cog", key);
        Sent store = first(sent, "direct://aerial-store-cog", key);
        List<Sent> execs = sent.stream().filter(s -> s.uri.startsWith("exec://") && key.equals(s.key)).toList();
        Sent warp = execs.stream().filter(s -> s.startNs >= reproject.startNs && s.endNs <= reproject.endNs)
                .findFirst().orElse(null);
        Sent translate = execs.stream().filter(s -> s.startNs >= make.startNs && s.endNs <= make.endNs)
                .findFirst().orElseThrow();
        Sent put = sent.stream().filter(s -> s.uri.startsWith("aws2-s3://") && s.startNs >= store.startNs
                && s.endNs <= store.endNs).findFirst().orElseThrow();
        m.put("S3 event through SQS (PUT done -> event sent -> aerial-process-georef starts)", (georef.startNs - putDone) / 1e9);
        m.put("aerial-process-georef before its stages (HEAD of upload, COG, error record)",
                (fetch.startNs - georef.startNs) / 1e9);
        for (String stage : List.of("aerial-fetch-source", "aerial-inspect-source", "aerial-compress",
                "aerial-overviews")) {
            m.put(stage, first(sent, "direct://" + stage, key).seconds());
        }
        m.put("aerial-reproject", reproject.seconds());
        m.put("  of which gdalwarp into scratch (exec)", warp == null ? 0 : warp.seconds());
        if (warp != null) {
            execCpuLines(m, "gdalwarp", key, warp);
        }
        m.put("aerial-make-cog", make.seconds());
        m.put("  of which gdal_translate -of COG (exec)", translate.seconds());
        execCpuLines(m, "gdal_translate", key, translate);
        m.put("aerial-validate-cog (GDAL's COG rules in-process, inspect the COG)",
                first(sent, "direct://aerial-validate-cog", key).seconds());
        m.put("aerial-store-cog", store.seconds());
        m.put("  of which the PUT of the COG (aws2-s3)", put.seconds());
        m.put("gaps between stages (Camel)", (store.endNs - fetch.startNs) / 1e9 - List.of("aerial-fetch-source",
                "aerial-inspect-source", "aerial-compress", "aerial-overviews", "aerial-reproject", "aerial-make-cog",
                "aerial-validate-cog", "aerial-store-cog").stream()
                .mapToDouble(s -> first(sent, "direct://" + s, key).seconds()).sum());
        m.put("= PUT done -> COG in the bucket", (store.endNs - putDone) / 1e9);
        m.put("  (aerial-process-georef start -> COG in the bucket)", (store.endNs - georef.startNs) / 1e9);
        m.put("after it, not counted: aerial-update-tile-index + aerial-publish-mapfile",
                first(sent, "direct://aerial-update-tile-index", key).seconds()
                        + first(sent, "direct://aerial-publish-mapfile", key).seconds());
        return m;
    }

    /** The first exchange about the upload {@code key} sent to {@code uri}. */
    private static Sent first(List<Sent> sent, String uri, String key) {
        return sent.stream().filter(s -> s.uri.equals(uri) && key.equals(s.key)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no exchange about " + key + " sent to " + uri));
    }

    private static boolean awaitSent(List<Sent> sent, String uri, String key, Duration max)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (sent.stream().anyMatch(s -> s.uri.equals(uri) && key.equals(s.key))) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Runs the commands one after the other, each under {@code /usr/bin/time -v}, with {@code env} added. */
    private static Row timed(String label, List<List<String>> commands, Path out, CogValidator validator, Path work,
                             Map<String, String> env) throws Exception {
        Files.deleteIfExists(out);
        double wall = 0;
        long peak = 0;
        List<String> each = new ArrayList<>();
        double steal0 = machineCpuSeconds()[2];
        for (List<String> cmd : commands) {
            List<String> t = new ArrayList<>(List.of("/usr/bin/time", "-v"));
            t.addAll(cmd);
            String output = exec(t, env);
            Matcher w = WALL.matcher(output);
            Matcher r = RSS.matcher(output);
            if (!w.find() || !r.find()) {
                throw new IllegalStateException("no /usr/bin/time -v figures (install Debian's time): " + output);
            }
            double s = seconds(w.group(1));
            Matcher u = USER.matcher(output);
            Matcher y = SYS.matcher(output);
            each.add(u.find() && y.find()
                    ? String.format(Locale.ROOT, "%s %.2f s, CPU user+sys %.2f s", cmd.get(0), s,
                            Double.parseDouble(u.group(1)) + Double.parseDouble(y.group(1)))
                    : String.format(Locale.ROOT, "%s %.2f s", cmd.get(0), s));
            wall += s;
            peak = Math.max(peak, Long.parseLong(r.group(1)));
        }
        double steal = machineCpuSeconds()[2] - steal0;
        String validation = validator.validate(out).summary() + ", " + (Files.size(out) >> 20) + " MB";
        for (String tmp : List.of("warped.tif", "compressed.tif", "compressed.tif.ovr")) {
            Files.deleteIfExists(work.resolve(tmp));
        }
        return new Row(label + (commands.size() > 1 ? " [" + commands.size() + " commands]" : ""), wall, peak,
                commands.size() > 1 ? "(" + String.join(", ", each) + ")" : "", validation, steal);
    }

    private static String exec(List<String> cmd, Map<String, String> env) {
        GdalCommandRunner.Result r = new GdalCommandRunner(Duration.ofHours(1), env).run(cmd);
        return r.stdout() + r.stderr();
    }

    private static double seconds(String hms) {
        double s = 0;
        for (String part : hms.split(":")) {
            s = s * 60 + Double.parseDouble(part);
        }
        return s;
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long gcMillis() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).strip();
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
