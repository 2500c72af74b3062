package imagepipelines.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The desired state of routes, for every replica, in one S3 object ({@code _control/route-toggles.json}):
 * {@code {"routes": {"faces": "stopped", "aerial-intake-*": "suspended", "ingest-intake-s3-events": "started"}}}.
 * A key is a route id, a route-id pattern with {@code *}, or a workflow name; {@link #desired} picks the most
 * specific key for a route. Replicas read it on a timer ({@link RouteToggleApplier}), so it survives restarts.
 */
public final class RouteToggles {

    public static final String STOPPED = "stopped";
    public static final String SUSPENDED = "suspended";
    public static final String STARTED = "started";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TARGET = Pattern.compile("[a-z0-9][a-z0-9*-]{0,99}");

    /** The key that decided a route's desired state, and whether it named the route exactly. */
    public record Match(String key, String state, boolean exact) {
    }

    private final S3Client s3;
    private final String bucket;
    private final String key;

    public RouteToggles(S3Client s3, String bucket, String key) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
    }

    /** The toggles now in S3 (empty when the object or its bucket does not exist). */
    public Map<String, String> read() {
        try {
            byte[] bytes = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
            Map<String, Object> doc = JSON.readValue(bytes, new TypeReference<Map<String, Object>>() { });
            Map<String, String> out = new TreeMap<>();
            if (doc.get("routes") instanceof Map<?, ?> routes) {
                routes.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
            }
            return out;
        } catch (NoSuchKeyException | NoSuchBucketException e) {
            return new TreeMap<>();
        } catch (IOException e) {
            throw new UncheckedIOException("s3://" + bucket + "/" + key + " is not route-toggles JSON", e);
        }
    }

    /**
     * Records {@code action} (stop, start, suspend, resume) for a route id, pattern or workflow; returns the new
     * toggles, or null for an unknown action or a malformed target. Read-modify-write: two operators toggling at
     * the same instant may lose one change (each call is answered with the state it wrote; list to check).
     */
    public Map<String, String> set(String target, String action) {
        String state = stateOf(action);
        if (state == null || target == null || !TARGET.matcher(target).matches()) {
            return null;
        }
        Map<String, String> toggles = read();
        toggles.put(target, state);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("routes", toggles);
        doc.put("updated", Instant.now().toString());
        try {
            s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/json"),
                    RequestBody.fromBytes(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return toggles;
    }

    public String location() {
        return "s3://" + bucket + "/" + key;
    }

    static String stateOf(String action) {
        return switch (action == null ? "" : action) {
            case "stop" -> STOPPED;
            case "suspend" -> SUSPENDED;
            case "start", "resume" -> STARTED;
            default -> null;
        };
    }

    /** The most specific toggle for a route: its exact id, else the longest matching pattern, else its workflow. */
    public static Match desired(Map<String, String> toggles, String routeId, String workflow) {
        if (toggles.containsKey(routeId)) {
            return new Match(routeId, toggles.get(routeId), true);
        }
        Match best = null;
        for (Map.Entry<String, String> t : toggles.entrySet()) {
            String k = t.getKey();
            if (k.contains("*") && glob(k).matcher(routeId).matches()
                    && (best == null || k.length() > best.key().length())) {
                best = new Match(k, t.getValue(), false);
            }
        }
        if (best == null && workflow != null && toggles.containsKey(workflow)) {
            best = new Match(workflow, toggles.get(workflow), false);
        }
        return best;
    }

    private static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (re.length() > 0 || pattern.startsWith("*")) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }
}
