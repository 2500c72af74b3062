package imagepipelines.cli;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code redrive-batch BATCH_ID [--url http://localhost:8080]}: asks a running instance to give the batch's dead
 * letters another try ({@code POST /batches/{id}/redrive}) and prints what was moved. The operator token comes from
 * PIPELINES_OPERATOR_SECRET (or the local run's {@code .local-data/operator-token}).
 */
@Command(name = "redrive-batch",
        description = "give a bulk batch's dead letters another try: its messages in the ingest queue's DLQ and its "
        + "images in the dead-letter bucket go back; prints them")
final class RedriveCommand implements Callable<Integer> {

    @Parameters(paramLabel = "BATCH_ID")
    String batch;

    @Mixin
    OperatorEndpoint endpoint;

    @Override
    public Integer call() throws Exception {
        HttpResponse<String> r = endpoint.send(endpoint.request("/batches/" + batch + "/redrive")
                .POST(HttpRequest.BodyPublishers.noBody()), Duration.ofMinutes(30));
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
