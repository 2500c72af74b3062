package imagepipelines.local.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.local.FakeFaceApi;

/**
 * Scenario 5: the face receiver answers 429 with Retry-After (its own throttle and at random) and 5xx, and the
 * faces worker is SIGKILLed while encodings wait on the post queue, then started again. Inputs are photo sources;
 * each must end with its encodings accepted once by the receiver, or in the faces dead-letter queue.
 */
final class FacesScenario {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FacesScenario() {
    }

    static ScenarioRun.Result run(ScenarioRun run, boolean full, Duration bound) throws Exception {
        try (FakeFaceApi receiver = new FakeFaceApi(0)) {
            receiver.photo("astronaut.webp", Files.readAllBytes(Corpus.samples("faces").resolve("astronaut-1200x900.webp")));
            Path models = modelDir();
            Worker w = run.worker("faces-worker", Map.of("PIPELINES_WORKFLOWS", "faces",
                    "INGEST_INTAKE_SQS_ENABLED", "false",
                    "IMAGE_PIPELINES_MODELS", models.toString(),
                    "FACES_QUEUE_VISIBILITY_SECONDS", String.valueOf(run.stack.visibilitySeconds),
                    "FACES_POST_VISIBILITY_SECONDS", String.valueOf(run.stack.visibilitySeconds),
                    "FACES_WARM_UP_ROUNDS", "1"));
            // the receiver's own throttle (the members' site: 30 a minute per client) plus random 429 and 5xx
            receiver.throttle(full ? 20 : 6, 10_000);
            receiver.faults().throttle(0.1, 2);
            receiver.faults().errors(0.2, 502);
            int sources = full ? 120 : 16;
            run.started();
            run.fault("receiver: throttle " + (full ? 20 : 6) + "/10 s, 10% 429 Retry-After 2, 20% 502");
            for (int i = 1; i <= sources; i += 4) {
                List<Map<String, Object>> list = new ArrayList<>();
                for (int pk = i; pk < i + 4 && pk <= sources; pk++) {
                    receiver.expect("photo", pk, "token-" + pk);
                    list.add(Map.of("type", "photo", "pk", pk, "token", "token-" + pk,
                            "photo_url", receiver.photoUrl("astronaut.webp")));
                }
                String body = JSON.writeValueAsString(Map.of("api_url", receiver.url(), "sources", list));
                run.stack.stack.sqs().sendMessage(r -> r.queueUrl(run.stack.facesUrl).messageBody(body));
            }
            // killed while encodings wait on the post queue (the receiver throttles the poster); at small scale after
            // the first accepted post, while later requests are still being encoded: they come back whole
            run.awaitProgress(() -> receiver.accepted().size(), full ? sources / 4 : 1, bound);
            run.awaitProgress(() -> queued(run, run.stack.facesPostsUrl), 3, Duration.ofSeconds(60));
            // between two POSTs (the worker sends one per 2 s): a kill in the milliseconds between a 200 and its
            // posted mark would make one more POST, answered "not processing" and then done (docs/faces.md "Delivery")
            Thread.sleep(1000);
            w.kill();
            run.fault("SIGKILL with " + queued(run, run.stack.facesPostsUrl) + " posts queued, "
                    + receiver.accepted().size() + " accepted");
            w.start(Duration.ofSeconds(240));
            run.fault(String.format("restarted, ready in %.1f s", w.readySeconds()));
            boolean drained = run.awaitDrain(bound);
            Map<String, Long> injected = new java.util.LinkedHashMap<>(receiver.faults().injected());
            injected.put("throttled (receiver's own)", (long) receiver.throttledCount());
            return run.finish(drained, account(receiver, sources), injected);
        }
    }

    private static int queued(ScenarioRun run, String url) {
        try {
            return run.stack.queued(url);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Each source: accepted once (stored), rejected by the receiver or in the DLQ (dead-lettered), else lost. */
    static Ledger.Counts account(FakeFaceApi receiver, int sources) {
        Map<String, Integer> accepted = new HashMap<>();
        int postedAgain = 0;
        for (FakeFaceApi.Post p : receiver.posts()) {
            if (p.status() == 200) {
                accepted.merge(p.pk(), 1, Integer::sum);
            } else if (p.status() == 400 && p.answer() != null && p.answer().contains("not processing")) {
                postedAgain++;
            }
        }
        int stored = 0;
        int lost = 0;
        int duplicated = postedAgain;
        Map<String, Integer> dl = new TreeMap<>();
        List<String> lostKeys = new ArrayList<>();
        for (int pk = 1; pk <= sources; pk++) {
            FakeFaceApi.Target t = receiver.target("photo", pk);
            int n = accepted.getOrDefault(String.valueOf(pk), 0);
            duplicated += Math.max(0, n - 1);
            if ("done".equals(t.state) && n >= 1) {
                stored++;
            } else if ("rejected".equals(t.state)) {
                dl.merge("RECEIVER_REJECTED", 1, Integer::sum);
            } else {
                lost++;
                lostKeys.add("photo/" + pk);
            }
        }
        return new Ledger.Counts(sources, stored, dl, 0, 0, lost, duplicated, postedAgain,
                lostKeys.subList(0, Math.min(10, lostKeys.size())));
    }

    /** models/face-api of the project (bin/fetch-face-models), as an absolute path for the worker. */
    private static Path modelDir() {
        String env = System.getenv("IMAGE_PIPELINES_MODELS");
        Path p = env != null ? Path.of(env) : Path.of("models", "face-api");
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("face models not found at " + p.toAbsolutePath()
                    + " (bin/fetch-face-models, or IMAGE_PIPELINES_MODELS)");
        }
        return p.toAbsolutePath();
    }
}
