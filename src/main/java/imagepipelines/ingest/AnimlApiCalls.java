package imagepipelines.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.util.json.JsonObject;

/**
 * Builds the variables of the Animl mutations (CONTRACTS §1) and reads the API's answers, turning them into the
 * three outcomes the routes act on: done, a permanent failure of this upload, or "API unavailable, try later".
 */
public final class AnimlApiCalls {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code {input: {md}}} for createImage. */
    @SuppressWarnings("unchecked")
    public JsonObject createImageVariables(Exchange exchange) {
        Map<String, Object> md = exchange.getProperty("md", Map.class);
        JsonObject input = new JsonObject();
        input.put("md", new JsonObject(md));
        JsonObject vars = new JsonObject();
        vars.put("input", input);
        return vars;
    }

    /** {@code {input: {error, image, batch}}} for createImageError: exactly the three fields the API accepts. */
    public JsonObject createImageErrorVariables(Exchange exchange) {
        UploadKey upload = exchange.getProperty("upload", UploadKey.class);
        String imageId = exchange.getProperty("imageId", String.class);
        JsonObject input = new JsonObject();
        input.put("error", exchange.getProperty("errorReason", String.class));
        input.put("image", imageId != null ? imageId : upload.key());
        input.put("batch", upload.batchId());
        JsonObject vars = new JsonObject();
        vars.put("input", input);
        return vars;
    }

    /**
     * Reads the createImage answer: sets {@code imageId}, or throws {@link IngestFailure} with the dead-letter code
     * of the API's first error, or {@link ApiUnavailableException} when the API could not answer.
     */
    public void readCreateImage(Exchange exchange) throws IOException, IngestFailure {
        JsonNode root = read(exchange, "createImage");
        JsonNode attempt = root.path("data").path("createImage").path("imageAttempt");
        if (attempt.isMissingNode() || attempt.isNull()) {
            throw new IngestFailure(IngestFailure.API_REQUEST_REJECTED,
                    "createImage answered without an imageAttempt: " + firstErrorMessage(root));
        }
        String id = attempt.path("_id").asText(null);
        exchange.setProperty("imageId", id);
        List<String> errors = new ArrayList<>();
        for (JsonNode e : attempt.path("errors")) {
            errors.add(e.path("error").asText());
        }
        if (!errors.isEmpty()) {
            String reason = String.join("; ", errors);
            throw new IngestFailure(IngestFailure.codeForApiError(reason), "the API refused the image: " + reason);
        }
    }

    /** Reads the answer to a mutation whose result we only check; returns the API's error message, or null. */
    public String readOutcome(Exchange exchange, String operation) throws IOException {
        JsonNode root;
        try {
            root = read(exchange, operation);
        } catch (IngestFailure rejected) {
            return rejected.getMessage();
        }
        String error = firstErrorMessage(root);
        return root.path("errors").isArray() && !root.path("errors").isEmpty() ? error : null;
    }

    private static JsonNode read(Exchange exchange, String operation) throws IOException, IngestFailure {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        if (status != null && status >= 500) {
            throw new ApiUnavailableException(operation + ": the API answered HTTP " + status);
        }
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new ApiUnavailableException(operation + ": the API answered HTTP " + status + " with a body that is not JSON");
        }
        String error = firstErrorMessage(root);
        if (error != null && error.contains("Authentication failed")) {
            // a key problem is ours to fix, not the image's: keep the upload and retry later
            throw new ApiUnavailableException(operation + ": the API did not accept our x-api-key (Authentication failed)");
        }
        if (status != null && status >= 400) {
            throw new IngestFailure(IngestFailure.API_REQUEST_REJECTED,
                    operation + ": the API rejected the request with HTTP " + status + ": " + error);
        }
        return root;
    }

    private static String firstErrorMessage(JsonNode root) {
        JsonNode errors = root.path("errors");
        return errors.isArray() && !errors.isEmpty() ? errors.get(0).path("message").asText() : null;
    }
}
