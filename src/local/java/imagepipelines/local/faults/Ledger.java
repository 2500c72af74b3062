package imagepipelines.local.faults;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.local.FakeAnimlApi;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Every input against every output, after a scenario drained: the records the Animl stand-in created, the serving
 * objects, the dead-letter and parking-lot objects, what is left in the ingestion bucket and the messages in the
 * queue's DLQ. Each input gets exactly one outcome; what exists twice is counted as duplicated.
 */
final class Ledger {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The ingest's createImage operation (src/main/resources/animl/createImage.graphql). */
    static final String CREATE_IMAGE = "CreateImageRecord";

    /** The outcome counts of one scenario. */
    record Counts(int inputs, int stored, Map<String, Integer> deadLettered, int parked, int waiting, int lost,
            int duplicated, int repeats, List<String> lostKeys) {
        int deadLetteredTotal() {
            return deadLettered.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private Ledger() {
    }

    static Counts account(List<Corpus.Input> inputs, FaultStack stack) {
        S3Client s3 = stack.s3();
        FakeAnimlApi api = stack.stack.api();
        Map<String, Integer> created = createdRecords(api);
        Map<String, Integer> serving = new HashMap<>();
        int servingObjects = 0;
        for (S3Object o : list(s3, FaultStack.SERVING)) {
            String name = o.key().substring(o.key().indexOf('/') + 1);
            serving.merge(name.substring(0, name.lastIndexOf('-')), 1, Integer::sum);
            servingObjects++;
        }
        // <ERROR_CODE>/<imageId or UNKNOWN_ID>/<upload key>, possibly as <name>~<etag12>.<ext> beside a different one
        Map<String, Set<String>> deadLetters = new HashMap<>();
        for (S3Object o : list(s3, FaultStack.DEADLETTER)) {
            String[] parts = o.key().split("/", 3);
            if (parts.length == 3 && !o.key().startsWith("_control/")) {
                deadLetters.computeIfAbsent(parts[2].replaceAll("~[0-9a-f]{12}(\\.[^./]*)?$", "$1"),
                        k -> new HashSet<>()).add(parts[0]);
            }
        }
        Set<String> parked = keys(s3, FaultStack.PARKINGLOT);
        Set<String> waiting = keys(s3, FaultStack.INGESTION);
        Set<String> inSqsDlq = dlqKeys(stack);

        int stored = 0;
        int parkedCount = 0;
        int waitingCount = 0;
        int repeats = 0;
        Map<String, Integer> dl = new TreeMap<>();
        List<String> lost = new java.util.ArrayList<>();
        Set<String> storedIds = new HashSet<>();
        for (Corpus.Input in : inputs) {
            Set<String> codes = deadLetters.getOrDefault(in.key(), Set.of());
            if (created.getOrDefault(in.imageId(), 0) > 0 && serving.getOrDefault(in.imageId(), 0) >= 3) {
                stored++;
                storedIds.add(in.imageId());
                if (codes.contains("DUPLICATE_IMAGE")) {
                    repeats++;
                }
            } else if (!codes.isEmpty()) {
                dl.merge(String.join("+", new java.util.TreeSet<>(codes)), 1, Integer::sum);
            } else if (parked.contains(in.key())) {
                parkedCount++;
            } else if (waiting.contains(in.key()) && inSqsDlq.contains(in.key())) {
                dl.merge("SQS_DLQ", 1, Integer::sum);
            } else if (waiting.contains(in.key())) {
                waitingCount++;
            } else {
                lost.add(in.key());
            }
        }
        int duplicated = 0;
        for (int n : created.values()) {
            duplicated += Math.max(0, n - 1);
        }
        // three serving objects per stored image, on keys made from its id: anything more was written twice
        duplicated += Math.max(0, servingObjects - 3 * storedIds.size()
                - 3 * (int) serving.keySet().stream().filter(id -> !storedIds.contains(id)).count());
        duplicated += (int) serving.values().stream().filter(n -> n > 3).mapToInt(n -> n - 3).sum();
        return new Counts(inputs.size(), stored, dl, parkedCount, waitingCount, lost.size(), duplicated, repeats,
                lost.subList(0, Math.min(10, lost.size())));
    }

    /** Image id -> how many createImage calls created it (answered with the record and no errors). */
    static Map<String, Integer> createdRecords(FakeAnimlApi api) {
        Map<String, Integer> created = new HashMap<>();
        for (FakeAnimlApi.Call c : api.calls(CREATE_IMAGE)) {
            addCreated(created, c);
        }
        return created;
    }

    private static void addCreated(Map<String, Integer> created, FakeAnimlApi.Call c) {
        if (c.status() != 200) {
            return;
        }
        try {
            JsonNode attempt = JSON.readTree(c.response()).path("data").path("createImage").path("imageAttempt");
            if (attempt.has("_id") && attempt.path("errors").isEmpty()) {
                created.merge(attempt.get("_id").asText(), 1, Integer::sum);
            }
        } catch (java.io.IOException e) {
            // not a GraphQL answer
        }
    }

    static int createCalls(FakeAnimlApi api) {
        return api.calls(CREATE_IMAGE).size();
    }

    private static List<S3Object> list(S3Client s3, String bucket) {
        List<S3Object> out = new java.util.ArrayList<>();
        s3.listObjectsV2Paginator(r -> r.bucket(bucket)).forEach(p -> out.addAll(p.contents()));
        return out;
    }

    private static Set<String> keys(S3Client s3, String bucket) {
        Set<String> out = new HashSet<>();
        for (S3Object o : list(s3, bucket)) {
            if (!o.key().startsWith("_control/")) {
                out.add(o.key());
            }
        }
        return out;
    }

    /** The upload keys named by the messages in the queue's DLQ (read, left there). */
    private static Set<String> dlqKeys(FaultStack stack) {
        Set<String> keys = new HashSet<>();
        String url = stack.dlqUrl();
        for (int round = 0; round < 100; round++) {
            List<Message> got = stack.stack.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                    .visibilityTimeout(60).waitTimeSeconds(0)).messages();
            if (got.isEmpty()) {
                break;
            }
            for (Message m : got) {
                try {
                    for (JsonNode rec : JSON.readTree(m.body()).path("Records")) {
                        keys.add(java.net.URLDecoder.decode(rec.path("s3").path("object").path("key").asText(),
                                java.nio.charset.StandardCharsets.UTF_8));
                    }
                } catch (java.io.IOException e) {
                    // not an S3 event
                }
            }
        }
        return keys;
    }
}
