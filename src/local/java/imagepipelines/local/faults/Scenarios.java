package imagepipelines.local.faults;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The scenarios of issue 14. Each has bounded counts (small: the CI's; full: the issue's) and a bounded time, and
 * ends with the ledger of its inputs. Faults are placed by progress (the share of inputs that reached the Animl
 * API), so they land while work is going on whatever the machine's speed.
 */
final class Scenarios {

    /** Scenario ids in the order they give most value first. */
    static final List<String> ALL = List.of("1", "2", "4", "3", "5", "8", "7", "6", "7a");

    static final Map<String, String> TITLES = Map.of(
            "1", "1 SIGKILL worker x3 (images + zip)",
            "2", "2 two workers, one queue",
            "4", "4 API 5xx/slow, then 403 burst",
            "3", "3 S3 down, SQS restarted",
            "5", "5 receiver 429/5xx, worker killed",
            "7", "7 scratch full (ingest + bulk)",
            "8", "8 maintenance + route toggles",
            "6", "6 aerial: kills, PostGIS restart",
            "7a", "7a scratch full (aerial)");

    private final boolean full;
    private final Path root;
    private final Random random = new Random();

    Scenarios(boolean full, Path root) {
        this.full = full;
        this.root = root;
    }

    ScenarioRun.Result run(String id) throws Exception {
        try (ScenarioRun run = new ScenarioRun(TITLES.get(id), root.resolve("scenario-" + id), full)) {
            if ("5".equals(id)) {
                return FacesScenario.run(run, full, drainBound());
            }
            if ("6".equals(id)) {
                return AerialScenario.killsAndPostgisRestart(run, full, drainBound());
            }
            if ("7a".equals(id)) {
                return AerialScenario.scratchFull(run, full, drainBound());
            }
            switch (id) {
                case "1" -> killWorker(run);
                case "2" -> twoWorkers(run);
                case "4" -> apiFaults(run);
                case "3" -> serversDown(run);
                case "8" -> toggles(run);
                case "7" -> scratchFull(run);
                default -> throw new IllegalArgumentException("no scenario " + id + " (implemented: " + ALL + ")");
            }
            return run.finish(run.awaitDrain(drainBound()));
        }
    }

    private Duration drainBound() {
        return Duration.ofMinutes(full ? 15 : 4);
    }

    private int n(int small, int fullCount) {
        return full ? fullCount : small;
    }

    /** 1: a worker SIGKILLed three times at random points while images and a bulk zip are ingested; restarted. */
    private void killWorker(ScenarioRun run) throws Exception {
        Worker w = run.worker("worker-a", Map.of());
        run.started();
        run.corpus.uploadZip(run.stack.s3(), run.dir.resolve("zips"), n(30, 300));
        run.corpus.uploadImages(run.stack.s3(), "uploads", n(40, 500));
        double[] at = {0.1 + random.nextDouble() * 0.25, 0.35 + random.nextDouble() * 0.25, 0.6 + random.nextDouble() * 0.25};
        Arrays.sort(at);
        for (double f : at) {
            run.awaitProgress(f, drainBound());
            w.kill();
            run.fault(String.format("SIGKILL at %.0f%%", 100 * f));
            w.start(Duration.ofSeconds(180));
            run.fault(String.format("restarted, ready in %.1f s", w.readySeconds()));
        }
    }

    /** 2: two workers compete for one queue. */
    private void twoWorkers(ScenarioRun run) throws Exception {
        // both started at once; the images go up as soon as both are ready
        var b = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                run.worker("worker-b", Map.of());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        run.worker("worker-a", Map.of());
        b.join();
        run.started();
        run.corpus.uploadImages(run.stack.s3(), "uploads", n(80, 1000));
        run.fault("2 workers");
    }

    /** 4: the API answers 30% 5xx and 10% past the client's time-out, then the gateway's 403 for a while. */
    private void apiFaults(ScenarioRun run) throws Exception {
        run.worker("worker-a", Map.of("ANIML_API_TIMEOUT_SECONDS", "3"));
        run.stack.stack.api().faults().errors(0.3, 503);
        run.stack.stack.api().faults().slow(0.1, 5000);
        run.started();
        run.fault("API 30% 503, 10% held 5 s (time-out 3 s)");
        run.corpus.uploadImages(run.stack.s3(), "uploads", n(40, 300));
        run.awaitProgress(0.6, drainBound());
        run.stack.stack.api().faults().clear();
        int seconds = full ? 60 : 10;
        run.stack.stack.api().faults().forbidFor(seconds);
        run.fault("gateway 403 for " + seconds + " s");
        Thread.sleep(seconds * 1000L);
    }

    /** 3: the S3 server down for a while mid-run; the SQS server restarted mid-run (its messages on disk). */
    private void serversDown(ScenarioRun run) throws Exception {
        run.worker("worker-a", Map.of());
        run.started();
        run.corpus.uploadImages(run.stack.s3(), "uploads", n(40, 500));
        run.awaitProgress(0.3, drainBound());
        int seconds = full ? 20 : 8;
        run.stack.stack.stopS3();
        run.fault("S3 down " + seconds + " s");
        Thread.sleep(seconds * 1000L);
        run.stack.stack.startS3();
        run.awaitProgress(0.6, drainBound());
        run.stack.stack.stopSqs();
        run.fault("SQS server restarted");
        Thread.sleep(3000);
        run.stack.stack.startSqs();
    }

    /** 8: maintenance mode on and off (then the parked images replayed), and the intake suspended and resumed. */
    private void toggles(ScenarioRun run) throws Exception {
        Worker w = run.worker("worker-a", Map.of("INGEST_MAINTENANCE_CACHE_MS", "500",
                "PIPELINES_CONTROL_TOGGLES_POLL_MS", "1000"));
        run.started();
        run.corpus.uploadImages(run.stack.s3(), "uploads", n(40, 300));
        int seconds = full ? 10 : 4;
        run.awaitProgress(0.2, drainBound());
        operator(w, "PUT", "/maintenance/on");
        run.fault("maintenance on " + seconds + " s");
        Thread.sleep(seconds * 1000L);
        operator(w, "PUT", "/maintenance/off");
        Thread.sleep(1500);
        int parked = run.stack.parked();
        operator(w, "POST", "/maintenance/replay");
        run.fault("maintenance off, " + parked + " parked replayed");
        run.awaitProgress(0.6, drainBound());
        operator(w, "PUT", "/routes/" + URLEncoder.encode("ingest-intake-*", StandardCharsets.UTF_8) + "/suspend");
        run.fault("ingest-intake-* suspended " + seconds + " s");
        Thread.sleep(seconds * 1000L);
        operator(w, "PUT", "/routes/" + URLEncoder.encode("ingest-intake-*", StandardCharsets.UTF_8) + "/resume");
        run.fault("resumed");
    }

    /**
     * 7 (ingest part): the worker's scratch folder on a small tmpfs that is filled up while images and a bulk zip
     * are ingested, then freed. Needs root (mount); the aerial job of the scenario 7 is not covered.
     */
    private void scratchFull(ScenarioRun run) throws Exception {
        Path scratch = ScratchFs.mount(run.dir.resolve("scratch-tmpfs"), 8);
        run.afterWorkers(() -> ScratchFs.unmount(scratch));
        Worker w = run.worker("worker-a", Map.of("PIPELINES_SCRATCH_DIR", scratch.resolve("work").toString()));
        run.started();
        run.corpus.uploadZip(run.stack.s3(), run.dir.resolve("zips"), n(30, 300));
        run.corpus.uploadImages(run.stack.s3(), "uploads", n(40, 300));
        run.awaitProgress(0.2, drainBound());
        Path filler = ScratchFs.fill(scratch);
        int seconds = full ? 30 : 10;
        run.fault("scratch full for " + seconds + " s");
        Thread.sleep(seconds * 1000L);
        java.nio.file.Files.delete(filler);
        long hits = java.nio.file.Files.readAllLines(w.log()).stream().filter(l -> l.contains("No space left")).count();
        run.fault("scratch freed (the worker logged 'No space left on device' " + hits + " times)");
    }

    private static void operator(Worker w, String method, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(w.url(path)))
                .header("Authorization", "Bearer " + Worker.OPERATOR_TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
    }
}
