package imagepipelines.faces.lambda;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.faces.InvalidFacesRequestException;

/**
 * The AWS Lambda Invoke API ({@code POST /2015-03-31/functions/{FunctionName}/invocations}) in front of the faces
 * workflow, so the members' site's unchanged {@code boto3.client("lambda").invoke(...)} reaches it (CONTRACTS §2,
 * "How the members' site calls it"). Checks, in AWS's order: the SigV4 signature ({@link SigV4Verifier}), the
 * function name, the invocation type, the payload size. The payload itself is validated by the faces routes.
 */
public final class LambdaIntake {

    public static final String EVENT = "Event";
    public static final String REQUEST_RESPONSE = "RequestResponse";
    public static final String DRY_RUN = "DryRun";

    private static final String PREFIX = "/2015-03-31/functions/";
    private static final String SUFFIX = "/invocations";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An authenticated invocation of our function. */
    public record Invocation(String type, String functionName, String accessKeyId, String payload) {

        /** A request with nothing to do is answered as an accepted one: Event 202, RequestResponse 200. */
        public int noOpStatus() {
            return EVENT.equals(type) ? 202 : 200;
        }

        /** Event answers have no body; a function that returned nothing answers JSON null. */
        public String noOpBody() {
            return EVENT.equals(type) ? "" : "null";
        }
    }

    private final SigV4Verifier verifier;
    private final LambdaFunctionName function;
    private final String region;
    private final int maxEventBytes;
    private final int maxRequestResponseBytes;

    /**
     * Refuses to start enabled without access keys (there is no unsigned mode) or with a function name that is none
     * of Lambda's forms.
     */
    public LambdaIntake(boolean enabled, String functionName, String accessKeys, String region, long maxClockSkewSeconds,
            int maxEventBytes, int maxRequestResponseBytes) {
        this(enabled, functionName, accessKeys, region, Duration.ofSeconds(maxClockSkewSeconds), maxEventBytes,
                maxRequestResponseBytes, Clock.systemUTC());
    }

    LambdaIntake(boolean enabled, String functionName, String accessKeys, String region, Duration maxClockSkew,
            int maxEventBytes, int maxRequestResponseBytes, Clock clock) {
        this.verifier = new SigV4Verifier(accessKeys, region, "lambda", maxClockSkew, clock);
        this.function = LambdaFunctionName.parse(functionName);
        this.region = region;
        this.maxEventBytes = maxEventBytes;
        this.maxRequestResponseBytes = maxRequestResponseBytes;
        if (enabled && !verifier.hasKeys()) {
            throw new IllegalStateException("the faces Lambda intake (faces.intake.lambda.enabled) needs the access"
                    + " key(s) its callers sign with: set FACES_INTAKE_LAMBDA_ACCESS_KEY=ACCESS_KEY_ID:SECRET_ACCESS_KEY"
                    + " (comma-separated for several) from your secret store, or FACES_INTAKE_LAMBDA_ENABLED=false");
        }
        if (enabled && function == null) {
            throw new IllegalStateException("faces.intake.lambda.function-name '" + functionName
                    + "' is not a Lambda function name, ARN or partial ARN");
        }
        if (enabled && (region == null || region.isBlank())) {
            throw new IllegalStateException("faces.intake.lambda.region is empty: set the region callers sign for");
        }
    }

    /** The access key ids accepted (for logs; never the secrets). */
    public List<String> accessKeyIds() {
        return verifier.accessKeyIds();
    }

    /**
     * Authenticates and checks one invocation. {@code rawUri} is the request's path and query as received (still
     * percent-encoded, as signed); {@code headers} the HTTP headers (entries named Camel... are ignored).
     */
    public Invocation accept(String method, String rawUri, Map<String, Object> headers, byte[] body)
            throws LambdaInvokeException {
        Map<String, List<String>> h = httpHeaders(headers);
        String contentType = first(h, "Content-Type");
        if (contentType != null && (contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")
                || contentType.toLowerCase(Locale.ROOT).startsWith("multipart/"))) {
            // the HTTP layer parses form bodies into fields: what was signed is gone, so say why instead of 403
            throw new LambdaInvokeException(LambdaError.unsupportedMediaType(
                    "The payload is not JSON: send it with Content-Type application/json (or none), not " + contentType));
        }
        String keyId = verifier.verify(new SigV4Verifier.Received(method, rawUri, h, body));

        int q = rawUri.indexOf('?');
        String path = q < 0 ? rawUri : rawUri.substring(0, q);
        String calledRaw = path.startsWith(PREFIX) && path.endsWith(SUFFIX)
                ? path.substring(PREFIX.length(), path.length() - SUFFIX.length()) : "";
        String called = percentDecode(calledRaw);
        String qualifier = q < 0 ? null : queryParameter(rawUri.substring(q + 1), "Qualifier");
        if (function == null || !function.accepts(LambdaFunctionName.parse(called), qualifier, region)) {
            throw new LambdaInvokeException(LambdaError.functionNotFound(called));
        }

        String type = first(h, "X-Amz-Invocation-Type");
        if (type == null || type.isBlank()) {
            type = REQUEST_RESPONSE;
        }
        int length = body == null ? 0 : body.length;
        switch (type) {
            case EVENT -> {
                if (length > maxEventBytes) {
                    throw new LambdaInvokeException(LambdaError.requestTooLarge("Request must be smaller than "
                            + maxEventBytes + " bytes for the InvokeAsync operation"));
                }
            }
            case REQUEST_RESPONSE -> {
                if (length > maxRequestResponseBytes) {
                    throw new LambdaInvokeException(LambdaError.requestTooLarge("Request must be smaller than "
                            + maxRequestResponseBytes + " bytes for the Invoke operation"));
                }
            }
            case DRY_RUN -> {
                // Lambda's DryRun checks the caller and the parameters, not the payload
            }
            default -> throw new LambdaInvokeException(LambdaError.invalidParameterValue(
                    "X-Amz-Invocation-Type must be Event, RequestResponse or DryRun"));
        }
        String payload = length == 0 ? "" : new String(body, StandardCharsets.UTF_8);
        return new Invocation(type, called, keyId, payload);
    }

    /**
     * True for a request with an empty {@code sources} list and a string {@code api_url}: the Lambda accepted it and did
     * nothing, so it is answered like any accepted request and nothing is queued.
     */
    public boolean isNoOp(String payload) {
        try {
            JsonNode root = JSON.readTree(payload);
            return root != null && root.isObject() && root.path("api_url").isTextual()
                    && root.path("sources").isArray() && root.path("sources").isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    /** The Lambda-shaped answer for what a step of the intake route threw. */
    public LambdaError errorFor(Throwable e) {
        // a bean step's exception arrives wrapped by Camel
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LambdaInvokeException l) {
                return l.error();
            }
            if (t instanceof InvalidFacesRequestException) {
                return LambdaError.invalidRequestContent(t.getMessage());
            }
        }
        // e.g. the queue unreachable: nothing was queued, the caller submits again later
        Throwable root = e;
        while (root != null && root.getCause() != null) {
            root = root.getCause();
        }
        return LambdaError.service("The request could not be queued; try again later ("
                + (root == null ? "unknown error" : root.getClass().getSimpleName()) + ")");
    }

    private static Map<String, List<String>> httpHeaders(Map<String, Object> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (headers == null) {
            return out;
        }
        headers.forEach((name, value) -> {
            if (name == null || name.regionMatches(true, 0, "Camel", 0, 5) || value == null) {
                return;
            }
            List<String> values = new ArrayList<>();
            if (value instanceof Iterable<?> it) {
                it.forEach(v -> values.add(String.valueOf(v)));
            } else {
                values.add(String.valueOf(value));
            }
            out.put(name, values);
        });
        return out;
    }

    private static String first(Map<String, List<String>> h, String name) {
        for (Map.Entry<String, List<String>> e : h.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    private static String queryParameter(String query, String name) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
            if (k.equals(name)) {
                return eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    /** Percent-decoding of a path segment ('+' stays '+': this is a path, not a form); malformed input as it is. */
    static String percentDecode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
