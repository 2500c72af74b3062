package imagepipelines.local;

// Over 300 lines on purpose: a test double must enforce the whole Animl contract (schema, gateway key, the API's image
// checks, its error shapes) in one place, so a wrong call fails the test; split, the contract would be read in pieces.

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.ObjectValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLScalarType;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;

/**
 * Local stand-in for the Animl GraphQL API. It executes requests against the contract's schema with graphql-java,
 * so a query or input with an unknown or missing field is rejected (HTTP 400, as the real API answers coercion and
 * validation errors), checks {@code x-api-key} as the API gateway in front of the real API does (a missing or wrong
 * key is answered HTTP 403 {@code {"message":"Forbidden"}} before GraphQL sees the request; with
 * {@link #failKeyLookup} a key that passes the gateway fails the API's own lookup: HTTP 500 with GraphQL errors),
 * applies the API's own image checks (serial number, capture time, 8 MB limit, duplicate ids) and appends every
 * request and answer to a JSON-lines file a person can read.
 */
public final class FakeAnimlApi implements AutoCloseable {

    public static final int MAX_IMAGE_BYTES = 8_000_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The body of the API gateway's answer to a missing or wrong x-api-key. */
    public static final String GATEWAY_FORBIDDEN = "{\"message\":\"Forbidden\"}";

    private final HttpServer server;
    private final GraphQL graphql;
    private volatile String apiKey;
    private volatile boolean keyLookupFails;
    private final Path journal;
    private final Map<String, String> projectsBySerial;

    private final Map<String, Map<String, Object>> images = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> batches = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> imageErrors = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> batchErrors = new CopyOnWriteArrayList<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    private final java.util.Set<String> refusedSerials = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failuresToInject = new AtomicInteger();
    private volatile int injectedStatus = 503;
    private final AtomicInteger delaysToInject = new AtomicInteger();
    private volatile long injectedDelayMillis;
    private final StandInFaults faults = new StandInFaults();

    /** One request as received, with the answer given. */
    public record Call(Instant time, String operationName, Map<String, Object> variables, int status, String response) {
        @SuppressWarnings("unchecked")
        public Map<String, Object> input() {
            return variables == null ? Map.of() : (Map<String, Object>) variables.getOrDefault("input", Map.of());
        }
    }

    public FakeAnimlApi(int port, String apiKey, Path journal, Map<String, String> projectsBySerial) throws IOException {
        this.apiKey = apiKey;
        this.journal = journal;
        this.projectsBySerial = Map.copyOf(projectsBySerial);
        if (journal != null) {
            Files.createDirectories(journal.toAbsolutePath().getParent());
        }
        this.graphql = GraphQL.newGraphQL(buildSchema()).build();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/graphql", this::handle);
        server.createContext("/_faults", faults.controlHandler());
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "fake-animl-api");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/graphql";
    }

    public Path journal() {
        return journal;
    }

    /** The key the gateway accepts from now on (a rotated key: calls with the old one are answered 403). */
    public void acceptKey(String key) {
        apiKey = key;
    }

    /** While on, a key that passes the gateway fails the API's own key lookup: HTTP 500 with GraphQL errors. */
    public void failKeyLookup(boolean on) {
        keyLookupFails = on;
    }

    /** The next {@code count} requests are answered with {@code status} and no body, as an overloaded API would. */
    public void failNext(int count, int status) {
        injectedStatus = status;
        failuresToInject.set(count);
    }

    /** The next {@code count} requests are held {@code millis} before being answered (to provoke client time-outs). */
    public void delayNext(int count, long millis) {
        injectedDelayMillis = millis;
        delaysToInject.set(count);
    }

    /**
     * Images from this camera are answered "Unknown Serial Number" (a camera not registered with any project) until
     * {@link #acceptSerial} registers it.
     */
    public StandInFaults faults() {
        return faults;
    }

    public void refuseSerial(String serial) {
        refusedSerials.add(serial);
    }

    public void acceptSerial(String serial) {
        refusedSerials.remove(serial);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(String operationName) {
        return calls.stream().filter(c -> operationName.equals(c.operationName())).toList();
    }

    public Map<String, Map<String, Object>> images() {
        return Collections.unmodifiableMap(images);
    }

    public List<Map<String, Object>> imageErrors() {
        return List.copyOf(imageErrors);
    }

    public Map<String, Map<String, Object>> batches() {
        return Collections.unmodifiableMap(batches);
    }

    public List<Map<String, Object>> batchErrors() {
        return List.copyOf(batchErrors);
    }

    public void reset() {
        images.clear();
        batches.clear();
        imageErrors.clear();
        batchErrors.clear();
        calls.clear();
        refusedSerials.clear();
        failuresToInject.set(0);
        delaysToInject.set(0);
        keyLookupFails = false;
        faults.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ------------------------------------------------------------------------------------------------------------

    private void handle(HttpExchange http) throws IOException {
        try (http) {
            if (delaysToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                sleep(injectedDelayMillis);
            }
            StandInFaults.Fault fault = faults.next();
            sleep(fault.delayMillis());
            String key = apiKey;
            if (fault.status() == 403 || key != null && !key.equals(http.getRequestHeaders().getFirst("x-api-key"))) {
                // the API gateway's API-key check: the request never reaches GraphQL
                drain(http);
                record(null, null, 403, GATEWAY_FORBIDDEN);
                respond(http, 403, GATEWAY_FORBIDDEN);
                return;
            }
            if (!"POST".equals(http.getRequestMethod())) {
                respond(http, 405, "{\"errors\":[{\"message\":\"use POST\"}]}");
                return;
            }
            String contentType = http.getRequestHeaders().getFirst("Content-Type");
            if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
                respond(http, 415, "{\"errors\":[{\"message\":\"Content-Type must be application/json\"}]}");
                return;
            }
            byte[] raw;
            try (InputStream in = http.getRequestBody()) {
                raw = in.readAllBytes();
            }
            Map<String, Object> request;
            try {
                request = JSON.readValue(raw, Map.class);
            } catch (IOException e) {
                respond(http, 400, errorBody("request body is not JSON: " + e.getMessage()));
                return;
            }
            String op = (String) request.get("operationName");
            @SuppressWarnings("unchecked")
            Map<String, Object> variables = (Map<String, Object>) request.get("variables");
            int injected = fault.status() != 0 ? fault.status()
                    : failuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? injectedStatus : 0;
            if (injected != 0) {
                record(op, variables, injected, "");
                respond(http, injected, "");
                return;
            }
            if (keyLookupFails) {
                // the API's own key lookup (not the gateway) refused the key: a server error with GraphQL errors
                String body = errorBody("Authentication failed");
                record(op, variables, 500, body);
                respond(http, 500, body);
                return;
            }
            Object query = request.get("query");
            if (!(query instanceof String q)) {
                respond(http, 400, errorBody("GraphQL operations must contain a non-empty `query`"));
                return;
            }
            ExecutionResult result = graphql.execute(ExecutionInput.newExecutionInput()
                    .query(q)
                    .operationName(op)
                    .variables(variables == null ? Map.of() : variables)
                    .build());
            Map<String, Object> spec = result.toSpecification();
            // Errors before execution (syntax, validation, variable coercion) leave no data: the API answers 400.
            int status = result.getErrors().isEmpty() || result.isDataPresent() ? 200 : 400;
            String body = JSON.writeValueAsString(spec);
            record(op, variables, status, body);
            respond(http, status, body);
        }
    }

    private void record(String op, Map<String, Object> variables, int status, String response) {
        Call call = new Call(Instant.now(), op, variables, status, response);
        calls.add(call);
        if (journal == null) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", call.time().toString());
        line.put("operationName", op);
        line.put("status", status);
        line.put("variables", variables);
        line.put("response", response);
        try {
            synchronized (this) {
                Files.writeString(journal, JSON.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void drain(HttpExchange http) throws IOException {
        try (InputStream in = http.getRequestBody()) {
            in.readAllBytes();
        }
    }

    private static void respond(HttpExchange http, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().set("Content-Type", "application/json");
        http.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = http.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String errorBody(String message) {
        try {
            return JSON.writeValueAsString(Map.of("errors", List.of(Map.of("message", message))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- resolvers: the API's own behaviour ---------------------------------------------------------------------

    private Object createImage(DataFetchingEnvironment env) {
        Map<String, Object> input = env.getArgument("input");
        @SuppressWarnings("unchecked")
        Map<String, Object> md = (Map<String, Object>) input.get("md");
        for (String required : List.of("Bucket", "Key", "FileName", "Hash", "ImageBytes", "ProdBucket",
                "FileTypeExtension", "MIMEType", "SerialNumber", "Make", "errors")) {
            if (!md.containsKey(required)) {
                throw new IllegalArgumentException("md." + required + " is required");
            }
        }
        String serial = String.valueOf(md.get("SerialNumber"));
        String projectId = projectsBySerial.getOrDefault(serial, "default_project");
        String id = projectId + ":" + md.get("Hash");
        List<Map<String, Object>> errors = new ArrayList<>();
        if (serial.isBlank() || "unknown".equals(serial) || "null".equals(serial) || refusedSerials.contains(serial)) {
            errors.add(imageError(id, md, "Unknown Serial Number"));
        }
        Object dto = md.get("DateTimeOriginal");
        if (!(dto instanceof String s) || !isIsoDate(s)) {
            errors.add(imageError(id, md, "Unknown DateTimeOriginal"));
        }
        if (((Number) md.get("ImageBytes")).longValue() >= MAX_IMAGE_BYTES) {
            errors.add(imageError(id, md, "Image Size Exceed 8 MB"));
        }
        if (errors.isEmpty()) {
            Map<String, Object> previous = images.putIfAbsent(id, md);
            if (previous != null) {
                errors.add(imageError(id, md, "E11000 duplicate key error collection: animl.images index: _id_ dup key: { _id: \""
                        + id + "\" }"));
            }
        }
        Map<String, Object> attempt = new LinkedHashMap<>();
        attempt.put("_id", id);
        attempt.put("projectId", projectId);
        attempt.put("batch", md.get("batchId"));
        attempt.put("path", md.get("Path"));
        attempt.put("created", Instant.now().toString());
        attempt.put("errors", errors);
        return Map.of("imageAttempt", attempt);
    }

    private static Map<String, Object> imageError(String id, Map<String, Object> md, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("_id", UUID.randomUUID().toString());
        e.put("image", id);
        e.put("batch", md.get("batchId"));
        e.put("path", md.get("Path"));
        e.put("error", message);
        e.put("created", Instant.now().toString());
        return e;
    }

    private Object createImageError(DataFetchingEnvironment env) {
        Map<String, Object> input = env.getArgument("input");
        Map<String, Object> e = new LinkedHashMap<>(input);
        e.put("_id", UUID.randomUUID().toString());
        e.put("created", Instant.now().toString());
        imageErrors.add(e);
        return e;
    }

    private Object updateBatch(DataFetchingEnvironment env) {
        Map<String, Object> input = env.getArgument("input");
        String id = (String) input.get("_id");
        Map<String, Object> batch = batches.computeIfAbsent(id, k -> new ConcurrentHashMap<>(Map.of(
                "projectId", "default_project", "created", Instant.now().toString())));
        input.forEach((k, v) -> {
            if (v != null) {
                batch.put(k, v);
            }
        });
        return Map.of("batch", batch);
    }

    private Object createBatchError(DataFetchingEnvironment env) {
        Map<String, Object> input = env.getArgument("input");
        Map<String, Object> e = new LinkedHashMap<>(input);
        e.put("_id", UUID.randomUUID().toString());
        e.put("created", Instant.now().toString());
        batchErrors.add(e);
        return e;
    }

    private static boolean isIsoDate(String s) {
        try {
            OffsetDateTime.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private graphql.schema.GraphQLSchema buildSchema() throws IOException {
        String sdl;
        try (InputStream in = FakeAnimlApi.class.getResourceAsStream("/animl/schema.graphql")) {
            sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
                .scalar(jsonObjectScalar())
                .scalar(dateScalar())
                .type("Mutation", t -> t
                        .dataFetcher("createImage", this::createImage)
                        .dataFetcher("createImageError", this::createImageError)
                        .dataFetcher("updateBatch", this::updateBatch)
                        .dataFetcher("createBatchError", this::createBatchError))
                .type("Query", t -> t.dataFetcher("health", env -> "ok"))
                .build();
        return new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl), wiring);
    }

    private static GraphQLScalarType jsonObjectScalar() {
        return GraphQLScalarType.newScalar().name("JSONObject").coercing(new Coercing<Object, Object>() {
            @Override
            public Object serialize(Object o, GraphQLContext c, java.util.Locale l) {
                return o;
            }

            @Override
            public Object parseValue(Object input, GraphQLContext c, java.util.Locale l) {
                if (!(input instanceof Map)) {
                    throw new CoercingParseValueException("JSONObject cannot represent non-object value: " + input);
                }
                return input;
            }

            @Override
            public Object parseLiteral(Value<?> input, CoercedVariables v, GraphQLContext c, java.util.Locale l) {
                if (!(input instanceof ObjectValue)) {
                    throw new CoercingParseLiteralException("JSONObject cannot represent non-object value");
                }
                throw new CoercingParseLiteralException("pass JSONObject values as variables");
            }
        }).build();
    }

    private static GraphQLScalarType dateScalar() {
        return GraphQLScalarType.newScalar().name("Date").coercing(new Coercing<String, String>() {
            @Override
            public String serialize(Object o, GraphQLContext c, java.util.Locale l) {
                return String.valueOf(o);
            }

            @Override
            public String parseValue(Object input, GraphQLContext c, java.util.Locale l) {
                if (input instanceof String s && isIsoDate(s)) {
                    return s;
                }
                throw new CoercingParseValueException("Date must be an ISO-8601 string, got: " + input);
            }

            @Override
            public String parseLiteral(Value<?> input, CoercedVariables v, GraphQLContext c, java.util.Locale l) {
                if (input instanceof StringValue s && isIsoDate(s.getValue())) {
                    return s.getValue();
                }
                throw new CoercingParseLiteralException("Date must be an ISO-8601 string");
            }
        }).build();
    }
}
