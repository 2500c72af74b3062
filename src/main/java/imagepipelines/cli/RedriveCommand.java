package imagepipelines.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code redrive-batch BATCH_ID [--url http://localhost:8080]}: asks a running instance to give the batch's dead
 * letters another try ({@code POST /batches/{id}/redrive}) and prints what was moved. The operator token comes from
 * PIPELINES_OPERATOR_SECRET (or the local run's {@code .local-data/operator-token}).
 */
final class RedriveCommand {

    static int run(List<String> args) throws Exception {
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            System.err.println("usage: image-pipelines redrive-batch BATCH_ID [--url http://localhost:8080]");
            return 2;
        }
        String batch = args.get(0);
        String base = "http://localhost:8080";
        int i = args.indexOf("--url");
        if (i >= 0 && i + 1 < args.size()) {
            base = args.get(i + 1);
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/batches/" + batch + "/redrive"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(30));
        String token = imagepipelines.common.OperatorSecret.forCli(System.getenv());
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            System.err.println("redrive refused (HTTP " + r.statusCode() + "): " + r.body());
            return 1;
        }
        System.out.print(describe(new ObjectMapper().readTree(r.body())));
        return 0;
    }

    /** The answer of POST /batches/{id}/redrive, for a person. */
    static String describe(JsonNode j) {
        StringBuilder out = new StringBuilder();
        String batch = j.path("batch").asText();
        for (JsonNode d : j.path("deadLetters")) {
            out.append(String.format("dead letter %s/%s -> %s/%s (it had failed with: %s)%n",
                    j.path("deadLetterBucket").asText(), d.path("from").asText(), j.path("ingestionBucket").asText(),
                    d.path("to").asText(), d.path("reason").asText("?")));
        }
        for (JsonNode k : j.path("alreadyInIngestion")) {
            out.append(String.format("dead letter of %s dropped: the key is in %s again (uploaded anew)%n", k.asText(),
                    j.path("ingestionBucket").asText()));
        }
        for (JsonNode m : j.path("messages")) {
            out.append(String.format("DLQ message %s %s -> the ingest queue%n", m.path("messageId").asText(),
                    m.path("keys")));
        }
        int moved = j.path("deadLetters").size() + j.path("messages").size();
        if (moved == 0) {
            out.append("nothing to redrive for ").append(batch).append(System.lineSeparator());
        } else {
            out.append(String.format("%s: %d dead-lettered image(s) and %d DLQ message(s) moved back; batch record %s%n",
                    batch, j.path("deadLetters").size(), j.path("messages").size(), j.path("batchRecord").asText()));
        }
        out.append(String.format("%d other message(s) left in %s%n", j.path("messagesLeftInDeadLetterQueue").asInt(),
                j.path("deadLetterQueue").asText()));
        if (j.hasNonNull("queue")) {
            out.append(j.path("queue").asText()).append(System.lineSeparator());
        }
        return out.toString();
    }
}
