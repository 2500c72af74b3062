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
 * A refused API key (the gateway's 401/403, a 5xx with GraphQL errors from the API's own key lookup) is of the last
 * kind and is reported to {@link AnimlApiKeyHealth}; any answer that went through reports the key accepted.
 */
public final class AnimlApiCalls {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AnimlApiKeyHealth keyHealth;

    public AnimlApiCalls(AnimlApiKeyHealth keyHealth) {
        this.keyHealth = keyHealth;
    }

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

    private JsonNode read(Exchange exchange, String operation) throws IOException, IngestFailure {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        if (keyHealth.getCamelContext() == null) {
            keyHealth.setCamelContext(exchange.getContext()); // for its metric
        }
        if (status != null && (status == 401 || status == 403)) {
            // the API gateway checks x-api-key before GraphQL sees the call: {"message":"Forbidden"}
            throw keyRejected(operation, "the API gateway answered HTTP " + status + " " + brief(body));
        }
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new ApiUnavailableException(operation + ": the API answered HTTP " + status + " with a body that is not JSON");
        }
        String error = firstErrorMessage(root);
        if (status != null && status >= 500) {
            if (error != null) {
                // a key that passes the gateway but fails the API's own lookup is answered so
                throw keyRejected(operation, "the API answered HTTP " + status + ": " + error);
            }
            throw new ApiUnavailableException(operation + ": the API answered HTTP " + status);
        }
        if (error != null && error.contains("Authentication failed")) {
            throw keyRejected(operation, "the API answered " + error);
        }
        if (status != null && status >= 400) {
            keyHealth.accepted(); // GraphQL itself answered: the key got through
            throw new IngestFailure(IngestFailure.API_REQUEST_REJECTED,
                    operation + ": the API rejected the request with HTTP " + status + ": " + error);
        }
        keyHealth.accepted();
        return root;
    }

    /** A refused key is ours to fix, not the image's: keep the upload, retry later, and say so (readiness, metric). */
    private ApiKeyRejectedException keyRejected(String operation, String how) {
        keyHealth.rejected(how);
        return new ApiKeyRejectedException(operation + ": the Animl API did not accept our x-api-key (" + how + ")");
    }

    private static String brief(String body) {
        if (body == null || body.isBlank()) {
            return "with no body";
        }
        String b = body.strip();
        return b.length() > 200 ? b.substring(0, 200) + "..." : b;
    }

    private static String firstErrorMessage(JsonNode root) {
        JsonNode errors = root.path("errors");
        return errors.isArray() && !errors.isEmpty() ? errors.get(0).path("message").asText() : null;
    }
}
