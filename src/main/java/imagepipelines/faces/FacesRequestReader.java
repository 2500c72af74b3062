package imagepipelines.faces;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads and validates a whole face-encodings request (CONTRACTS §2) before any source is processed: {@code api_url}
 * a string, {@code sources} a non-empty list, each {@code pk} an integer, {@code token} and {@code photo_url}
 * strings, {@code type} "photo" or "reference"; the API and photo URLs must pass the {@link UrlPolicy}.
 */
public final class FacesRequestReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN_FIELD = Pattern.compile("(\"token\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern TOKEN_LIKE = Pattern.compile("[A-Za-z0-9_\\-]{32,}");
    private static final int MAX_SOURCES = 10_000;

    private final UrlPolicy policy;

    public FacesRequestReader(UrlPolicy policy) {
        this.policy = policy;
    }

    public FacesRequest read(String body) throws InvalidFacesRequestException {
        if (body == null || body.isBlank()) {
            throw new InvalidFacesRequestException("empty request");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidFacesRequestException("not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidFacesRequestException("the request must be a JSON object");
        }
        JsonNode api = root.get("api_url");
        if (api == null || !api.isTextual()) {
            throw new InvalidFacesRequestException("api_url must be a string");
        }
        String apiUrl = api.asText().strip();
        while (apiUrl.endsWith("/")) {
            apiUrl = apiUrl.substring(0, apiUrl.length() - 1);
        }
        String apiProblem = policy.apiUrlProblem(apiUrl);
        if (apiProblem != null) {
            throw new InvalidFacesRequestException("api_url: " + apiProblem);
        }
        apiUrl = UrlPolicy.normalized(apiUrl);
        JsonNode sources = root.get("sources");
        if (sources == null || !sources.isArray()) {
            throw new InvalidFacesRequestException("sources must be a list");
        }
        if (sources.isEmpty()) {
            throw new InvalidFacesRequestException("sources must not be empty");
        }
        if (sources.size() > MAX_SOURCES) {
            throw new InvalidFacesRequestException("too many sources: " + sources.size() + " (at most " + MAX_SOURCES + ")");
        }
        List<FaceSource> out = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            JsonNode s = sources.get(i);
            String where = "sources[" + i + "]";
            if (!s.isObject()) {
                throw new InvalidFacesRequestException(where + " must be an object");
            }
            JsonNode pk = s.get("pk");
            if (pk == null || !pk.isIntegralNumber() || !pk.canConvertToLong()) {
                throw new InvalidFacesRequestException(where + ".pk must be an integer");
            }
            JsonNode type = s.get("type");
            if (type == null || !type.isTextual()) {
                throw new InvalidFacesRequestException(where + ".type must be a string (\"photo\" or \"reference\")");
            }
            if (!type.asText().equals("photo") && !type.asText().equals("reference")) {
                throw new InvalidFacesRequestException(where + ".type must be \"photo\" or \"reference\", not \""
                        + abbreviate(type.asText()) + "\"");
            }
            JsonNode token = s.get("token");
            if (token == null || !token.isTextual()) {
                throw new InvalidFacesRequestException(where + ".token must be a string");
            }
            JsonNode photo = s.get("photo_url");
            if (photo == null || !photo.isTextual()) {
                throw new InvalidFacesRequestException(where + ".photo_url must be a string");
            }
            String photoProblem = policy.problem(photo.asText());
            if (photoProblem != null) {
                throw new InvalidFacesRequestException(where + ".photo_url: " + photoProblem);
            }
            out.add(new FaceSource(pk.asLong(), type.asText(), photo.asText(), token.asText()));
        }
        return new FacesRequest(apiUrl, List.copyOf(out));
    }

    /** The request text with every token replaced by "***" (for dead letters and logs); best effort when not JSON. */
    public static String masked(String body) {
        if (body == null) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(body);
            if (root != null) {
                maskTokens(root);
                return JSON.writeValueAsString(root);
            }
        } catch (JsonProcessingException e) {
            // not JSON: mask by pattern below
        }
        String s = TOKEN_FIELD.matcher(body).replaceAll("$1\"" + FaceSource.MASK + "\"");
        s = TOKEN_LIKE.matcher(s).replaceAll(FaceSource.MASK);
        return s.length() > 20_000 ? s.substring(0, 20_000) + "…" : s;
    }

    private static void maskTokens(JsonNode node) {
        if (node instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            List<String> tokens = new ArrayList<>();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equalsIgnoreCase("token")) {
                    tokens.add(e.getKey());
                } else {
                    maskTokens(e.getValue());
                }
            }
            tokens.forEach(k -> o.put(k, FaceSource.MASK));
        } else if (node instanceof ArrayNode a) {
            a.forEach(FacesRequestReader::maskTokens);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
