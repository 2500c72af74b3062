package imagepipelines.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import graphql.language.Document;
import graphql.parser.Parser;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLTypeUtil;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.validation.ValidationError;
import graphql.validation.Validator;
import imagepipelines.local.FakeAnimlApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Animl stand-in behaves as the real API does where our tests depend on it: the API gateway's answer to a wrong
 * or missing key, the key lookup's answer, and the real schema's types (so our queries are checked against them).
 */
class AnimlStandInTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theGatewayAnswersAWrongOrMissingKeyWith403ForbiddenAndTheLookupWith500() throws Exception {
        try (FakeAnimlApi api = new FakeAnimlApi(0, "right-key", null, Map.of())) {
            String body = "{\"operationName\":\"UpdateBatch\",\"query\":\"" + query("updateBatch").replace("\n", " ")
                    + "\",\"variables\":{\"input\":{\"_id\":\"batch-1\",\"total\":1}}}";
            HttpResponse<String> wrong = post(api, body, "wrong-key");
            assertEquals(403, wrong.statusCode());
            assertEquals("{\"message\":\"Forbidden\"}", wrong.body());
            HttpResponse<String> missing = post(api, body, null);
            assertEquals(403, missing.statusCode());
            assertEquals("{\"message\":\"Forbidden\"}", missing.body());
            assertTrue(api.batches().isEmpty(), "a refused call changes nothing");

            api.failKeyLookup(true);
            HttpResponse<String> lookup = post(api, body, "right-key");
            assertEquals(500, lookup.statusCode());
            JsonNode errors = new ObjectMapper().readTree(lookup.body()).path("errors");
            assertTrue(errors.isArray() && errors.size() > 0, lookup.body());

            api.failKeyLookup(false);
            HttpResponse<String> ok = post(api, body, "right-key");
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("batch-1", new ObjectMapper().readTree(ok.body()).at("/data/updateBatch/batch/_id").asText());
        }
    }

    @Test
    void theSchemaHasTheRealApisPayloadTypes() throws Exception {
        GraphQLSchema schema = schema();
        assertEquals("ID!", type(schema, "ImageAttempt", "_id"));
        assertEquals("String!", type(schema, "ImageAttempt", "projectId"));
        assertEquals("Date!", type(schema, "ImageAttempt", "created"));
        assertEquals("[ImageError]", type(schema, "ImageAttempt", "errors"));
        assertEquals("Date!", type(schema, "ImageError", "created"));
        assertEquals("Date!", type(schema, "BatchError", "created"));
        assertEquals("BatchPayload", type(schema, "Mutation", "updateBatch"));
        assertEquals("Batch", type(schema, "BatchPayload", "batch"));
        assertEquals("String!", type(schema, "Batch", "projectId"));
        for (String f : List.of("created", "errors", "imageErrors", "stoppingInitiated", "remaining", "dead", "total")) {
            type(schema, "Batch", f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"createImage", "createImageError", "updateBatch", "createBatchError"})
    void ourQueriesValidateAgainstIt(String name) throws Exception {
        Document doc = Parser.parse(query(name));
        List<ValidationError> errors = new Validator().validateDocument(schema(), doc, java.util.Locale.ROOT);
        assertEquals(List.of(), errors);
    }

    static String type(GraphQLSchema schema, String typeName, String field) {
        GraphQLObjectType t = schema.getObjectType(typeName);
        GraphQLFieldDefinition f = t.getFieldDefinition(field);
        if (f == null) {
            throw new AssertionError(typeName + "." + field + " missing");
        }
        return GraphQLTypeUtil.simplePrint(f.getType());
    }

    static GraphQLSchema schema() throws Exception {
        RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
                .scalar(GraphQLScalarType.newScalar().name("JSONObject").coercing(new graphql.schema.Coercing<>() { }).build())
                .scalar(GraphQLScalarType.newScalar().name("Date").coercing(new graphql.schema.Coercing<>() { }).build())
                .build();
        return new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(query("schema")), wiring);
    }

    static String query(String name) throws Exception {
        try (InputStream in = AnimlStandInTest.class.getResourceAsStream("/animl/" + name + ".graphql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static HttpResponse<String> post(FakeAnimlApi api, String body, String key) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(api.url()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            r.header("x-api-key", key);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }
}
