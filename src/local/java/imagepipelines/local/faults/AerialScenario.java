package imagepipelines.local.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import imagepipelines.local.EmbeddedPostgres;
import imagepipelines.local.LocalStack;

/**
 * The aerial scenarios: a worker running only the aerial workflow ({@code run}, production SQS intake) on the
 * fault stack, with a PostGIS of its own (the tests' embedded PostgreSQL) and the imagery bucket's notifications
 * sent to its queue. Scenario 6: the worker SIGKILLed while a {@code gdalwarp} child runs and while a COG's PUT is in
 * flight, restarted each time, and PostGIS stopped and started again mid-run. Scenario 7a (the aerial part of 7):
 * the worker's scratch folder on a small tmpfs left with too little room for a warp for a while, then freed.
 */
final class AerialScenario implements AutoCloseable {

    static final String BUCKET = "historic-aerials-" + FaultStack.STAGE;
    static final String QUEUE = "historic-aerials-events-" + FaultStack.STAGE;
    static final int MAX_RECEIVES = 3;

    private final ScenarioRun run;
    private final boolean full;
    private final Duration bound;
    private final EmbeddedPostgres pg;
    private final String queueUrl;
    private final CogPutProxy proxy;
    private final BucketNotifier notifier;
    private final AerialCorpus corpus;
    private final List<Path> scratch = new java.util.ArrayList<>();
    private final List<Path> tmps = new java.util.ArrayList<>();
    /** Faults that did not land as planned: the run proves less, so they fail it like the ledger's problems. */
    private final List<String> missed = new java.util.ArrayList<>();

    private AerialScenario(ScenarioRun run, boolean full, Duration bound) throws Exception {
        this.run = run;
        this.full = full;
        this.bound = bound;
        pg = EmbeddedPostgres.start("aerial", "postgis");
        LocalStack stack = run.stack.stack;
        stack.createBuckets(List.of(BUCKET));
        // as deployed (ecs/image-pipelines.yaml): 3 receives to the DLQ; notifications for ObjectCreated of *.tif
        queueUrl = LocalStack.createQueueWithDeadLetter(stack.sqs(), QUEUE, MAX_RECEIVES, run.stack.visibilitySeconds);
        proxy = new CogPutProxy(URI.create(stack.properties().get("aws.s3.endpoint")).getPort());
        notifier = new BucketNotifier(stack.s3(), stack.sqs(), BUCKET, ".tif", queueUrl, "faults");
        corpus = new AerialCorpus(run.dir.resolve("geotiffs"));
    }

    /** 6: SIGKILL during gdalwarp, SIGKILL during a COG's PUT, PostGIS restarted. */
    static ScenarioRun.Result killsAndPostgisRestart(ScenarioRun run, boolean full, Duration bound) throws Exception {
        try (AerialScenario a = new AerialScenario(run, full, bound)) {
            Worker w = a.worker("aerial-worker", Map.of());
            run.started();
            a.corpus.upload(run.stack.s3(), BUCKET, full ? 16 : 3, full);

            ProcessHandle warp = a.awaitChild(w, "gdalwarp");
            String output = lastArgument(warp);
            w.kill();
            run.fault("SIGKILL while gdalwarp ran (writing " + output + "); it "
                    + (running(warp, Duration.ofSeconds(2)) ? "outlived the worker" : "ended with the worker"));
            a.restart(w);

            a.proxy.armHold();
            CogPutProxy.Held held = a.awaitHeld();
            if (held == null) {
                a.missed.add("no COG PUT to kill the worker during within " + bound);
            } else {
                w.kill();
                run.fault("SIGKILL with the PUT of " + held.key().substring(held.key().lastIndexOf('/') + 1)
                        + " in flight (" + held.forwarded() + " of " + held.length() + " bytes sent)");
            }
            a.proxy.release();
            a.restart(w);

            int puts = a.proxy.completedTotal();
            run.awaitProgress(() -> a.proxy.completedTotal(), puts + 1, Duration.ofSeconds(120));
            a.pg.pause();
            int seconds = full ? 20 : 5;
            run.fault("PostGIS stopped " + seconds + " s (right after a COG's PUT)");
            Thread.sleep(seconds * 1000L);
            a.pg.resume();
            return a.finish();
        }
    }

    /** 7a: the scratch folder on a tmpfs with too little room for a warp (the download fits) for a while. */
    static ScenarioRun.Result scratchFull(ScenarioRun run, boolean full, Duration bound) throws Exception {
        // room for a job once freed: full scale's colour frames are 9x larger (a 16 MB download, a 21 MB warp)
        Path fs = ScratchFs.mount(run.dir.resolve("scratch-tmpfs"), full ? 128 : 16);
        run.afterWorkers(() -> ScratchFs.unmount(fs));
        try (AerialScenario a = new AerialScenario(run, full, bound)) {
            Path root = fs.resolve("work");
            Path filler = fillLeaving(fs, 3 * 1024 * 1024);
            Worker w = a.worker("aerial-worker", Map.of("PIPELINES_SCRATCH_DIR", root.toString()));
            run.started();
            a.corpus.upload(run.stack.s3(), BUCKET, full ? 8 : 3, full);
            int seconds = full ? 30 : 8;
            run.fault("scratch with 3 MB free for " + seconds + " s");
            Thread.sleep(seconds * 1000L);
            Files.delete(filler);
            long hits = Files.readAllLines(w.log()).stream().filter(l -> l.contains("No space left")).count();
            run.fault("scratch freed (the worker logged 'No space left on device' " + hits + " times)");
            if (hits == 0) {
                a.missed.add("no job met the full scratch disk");
            }
            return a.finish();
        }
    }

    /** Starts the aerial worker; its scratch folder and temporary files are checked for leftovers at the end. */
    private Worker worker(String name, Map<String, String> extra) throws Exception {
        Path home = run.dir.resolve(name);
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PIPELINES_WORKFLOWS", "aerial");
        env.put("INGEST_INTAKE_SQS_ENABLED", "false");
        env.put("AERIAL_INTAKE_SQS_ENABLED", "true");
        env.put("AERIAL_INTAKE_POLL_ENABLED", "false");
        env.put("AERIAL_QUEUE_VISIBILITY_SECONDS", String.valueOf(run.stack.visibilitySeconds));
        env.put("AERIAL_RETRY_MAX_DELAY_MS", "4000");
        env.put("AERIAL_POSTGIS_JDBC_URL", pg.jdbcUrl());
        env.put("AERIAL_POSTGIS_USER", pg.user());
        env.put("AERIAL_MAPFILE_POSTGIS_CONNECTION", pg.conninfo());
        // S3 through the proxy that can hold a COG's PUT; the tile index points at the S3 server itself
        env.put("AWS_S3_ENDPOINT", proxy.endpoint());
        env.put("AERIAL_PUBLIC_BASE_URL", run.stack.stack.properties().get("aws.s3.endpoint") + "/" + BUCKET);
        // the GDAL runner's output files go to java.io.tmpdir: checked for leftovers too
        env.put("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp);
        env.putAll(extra);
        scratch.add(Path.of(env.getOrDefault("PIPELINES_SCRATCH_DIR", home.resolve("scratch").toString()), "aerial"));
        tmps.add(tmp);
        return run.worker(name, env);
    }

    private void restart(Worker w) throws Exception {
        if (w.process().isAlive()) {
            return;
        }
        w.start(Duration.ofSeconds(180));
        run.fault(String.format("restarted, ready in %.1f s", w.readySeconds()));
    }

    /** Waits for a child process of the worker running {@code program}; polls the process tree every 5 ms. */
    private ProcessHandle awaitChild(Worker w, String program) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> child = w.process().descendants().filter(p -> p.info().command()
                    .map(c -> c.endsWith("/" + program)).orElse(false)).findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no " + program + " child of the worker within " + bound);
    }

    /** Whether {@code p} still runs after {@code wait} (a zombie waiting to be reaped has ended). */
    private static boolean running(ProcessHandle p, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
                if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                    return false;
                }
            } catch (IOException gone) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** The last argument of a process (gdalwarp's output file), from /proc. */
    private static String lastArgument(ProcessHandle p) {
        try {
            String[] args = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline")).split("\u0000");
            String last = args[args.length - 1];
            return last.substring(last.lastIndexOf('/', last.lastIndexOf('/') - 1) + 1);
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private CogPutProxy.Held awaitHeld() throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline && proxy.held() == null) {
            Thread.sleep(20);
        }
        return proxy.held();
    }

    /** Waits until the aerial queue has been empty for 3 s, then accounts for every upload. */
    private ScenarioRun.Result finish() throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        int quiet = 0;
        int polls = 0;
        boolean drained = false;
        while (!drained && System.nanoTime() < deadline) {
            try {
                int queued = run.stack.queued(queueUrl);
                quiet = queued == 0 ? quiet + 1 : 0;
                if (queued > 0 && ++polls % 10 == 0) {
                    System.out.printf("  [%s %.1f s] %d message(s) in the aerial queue%n", run.name, run.seconds(),
                            queued);
                }
            } catch (RuntimeException serverDown) {
                quiet = 0;
            }
            drained = quiet >= 3;
            Thread.sleep(1000);
        }
        AerialLedger.Account a = new AerialLedger(run.stack.s3(), BUCKET, pg.dataSource(), run.dir.resolve("ledger"))
                .account(corpus.inputs(), proxy.completedCogPuts(), scratch.stream().distinct().toList(),
                        tmps.stream().distinct().toList(), dlqKeys());
        run.fault(proxy.completedTotal() + " COG PUTs for " + proxy.completedCogPuts().size() + " COGs");
        List<String> problems = new java.util.ArrayList<>(missed);
        problems.addAll(a.problems());
        return run.finish(drained, a.counts(), Map.of()).withProblems(problems);
    }

    /** The upload keys named by the events in the aerial queue's DLQ (read, left there). */
    private Set<String> dlqKeys() throws IOException {
        Set<String> keys = new java.util.HashSet<>();
        String url = run.stack.dlqUrl(QUEUE);
        for (int round = 0; round < 100; round++) {
            List<software.amazon.awssdk.services.sqs.model.Message> got = run.stack.stack.sqs().receiveMessage(r -> r
                    .queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(60).waitTimeSeconds(0)).messages();
            if (got.isEmpty()) {
                break;
            }
            for (var m : got) {
                for (var o : new imagepipelines.ingest.S3EventParser().parse(m.body())) {
                    keys.add(o.key());
                }
            }
        }
        return keys;
    }

    /** Fills the file system of {@code dir} until about {@code free} bytes are left; returns the filler. */
    static Path fillLeaving(Path dir, long free) throws IOException {
        Path filler = dir.resolve("filler");
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (Files.getFileStore(dir).getUsableSpace() > free + chunk.length) {
                out.write(chunk);
                out.flush();
            }
        }
        return filler;
    }

    @Override
    public void close() throws Exception {
        try {
            notifier.close();
            proxy.close();
        } finally {
            pg.close();
        }
    }
}
