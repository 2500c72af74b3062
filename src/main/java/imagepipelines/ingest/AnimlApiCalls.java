package imagepipelines.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /** The createImage answer: the image's id, and the API's errors on it (empty when the image was accepted). */
    public record CreatedImage(String imageId, List<String> errors) { }

    /** {@code {input: {md}}} for createImage. */
    public JsonObject createImageVariables(Map<String, Object> md) {
        JsonObject input = new JsonObject();
        input.put("md", new JsonObject(md));
        JsonObject vars = new JsonObject();
        vars.put("input", input);
        return vars;
    }

    /**
     * {@code {input: {error, image, batch}}} for createImageError: exactly the three fields the API accepts; the image
     * is named by its id once it has one, else by the upload's key.
     */
    public JsonObject createImageErrorVariables(String errorReason, String imageId, UploadKey upload) {
        JsonObject input = new JsonObject();
        input.put("error", errorReason);
        input.put("image", imageId != null ? imageId : upload.key());
        input.put("batch", upload.batchId());
        JsonObject vars = new JsonObject();
        vars.put("input", input);
        return vars;
    }

    /**
     * Reads the createImage answer ({@code status}: its HTTP status, {@code answer}: its body). Throws
     * {@link IngestFailure} when it holds no imageAttempt, or {@link ApiUnavailableException} when the API could not
     * answer; the attempt's errors are returned, not thrown, so the caller keeps the id first ({@link #refuseIfErrors}).
     */
    public CreatedImage readCreateImage(Integer status, String answer) throws IOException, IngestFailure {
        JsonNode root = read(status, answer, "createImage");
        JsonNode attempt = root.path("data").path("createImage").path("imageAttempt");
        if (attempt.isMissingNode() || attempt.isNull()) {
            throw new IngestFailure(IngestFailure.API_REQUEST_REJECTED,
                    "createImage answered without an imageAttempt: " + firstErrorMessage(root));
        }
        List<String> errors = new ArrayList<>();
        for (JsonNode e : attempt.path("errors")) {
            errors.add(e.path("error").asText());
        }
        return new CreatedImage(attempt.path("_id").asText(null), errors);
    }

    /** An image the API refused is an {@link IngestFailure} with the dead-letter code of its errors. */
    public void refuseIfErrors(CreatedImage created) throws IngestFailure {
        if (!created.errors().isEmpty()) {
            String reason = String.join("; ", created.errors());
            throw new IngestFailure(IngestFailure.codeForApiError(reason), "the API refused the image: " + reason);
        }
    }

    /**
     * Reads the answer ({@code status}, {@code answer}) to a mutation whose result we only check; returns the API's
     * error message, or null.
     */
    public String readOutcome(Integer status, String answer, String operation) throws IOException {
        JsonNode root;
        try {
            root = read(status, answer, operation);
        } catch (IngestFailure rejected) {
            return rejected.getMessage();
        }
        String error = firstErrorMessage(root);
        return root.path("errors").isArray() && !root.path("errors").isEmpty() ? error : null;
    }

    private JsonNode read(Integer status, String body, String operation) throws IOException, IngestFailure {
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
