package imagepipelines.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.camel.util.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The Animl answers read from a status and a body, as the routes hand them over. */
class AnimlApiCallsTest {

    final AnimlApiKeyHealth health = new AnimlApiKeyHealth();
    final AnimlApiCalls calls = new AnimlApiCalls(health);

    @Test
    void anAcceptedImageGivesItsIdAndNoErrors() throws Exception {
        AnimlApiCalls.CreatedImage created = calls.readCreateImage(200,
                "{\"data\":{\"createImage\":{\"imageAttempt\":{\"_id\":\"att-1\",\"errors\":[]}}}}");
        assertEquals(new AnimlApiCalls.CreatedImage("att-1", List.of()), created);
        calls.refuseIfErrors(created);
    }

    @Test
    void aRefusedImageKeepsItsIdAndIsRefusedWithTheDeadLetterCodeOfItsErrors() throws Exception {
        AnimlApiCalls.CreatedImage created = calls.readCreateImage(200, "{\"data\":{\"createImage\":{\"imageAttempt\":"
                + "{\"_id\":\"att-2\",\"errors\":[{\"error\":\"E11000 duplicate key error\"}]}}}}");
        assertEquals("att-2", created.imageId(), "the id is known before the refusal: the dead letter goes under it");
        IngestFailure f = assertThrows(IngestFailure.class, () -> calls.refuseIfErrors(created));
        assertEquals(IngestFailure.DUPLICATE_IMAGE, f.code());
    }

    @Test
    void anAnswerWithoutAnAttemptIsARejectedRequest() {
        IngestFailure f = assertThrows(IngestFailure.class, () -> calls.readCreateImage(200,
                "{\"errors\":[{\"message\":\"bad input\"}],\"data\":{\"createImage\":null}}"));
        assertEquals(IngestFailure.API_REQUEST_REJECTED, f.code());
        assertTrue(f.getMessage().contains("bad input"), f.getMessage());
    }

    @Test
    void aRefusedKeyOrA5xxIsUnavailableNotTheImagesFault() {
        assertThrows(ApiKeyRejectedException.class, () -> calls.readCreateImage(403, "{\"message\":\"Forbidden\"}"));
        assertTrue(health.isRejected());
        ApiUnavailableException down = assertThrows(ApiUnavailableException.class,
                () -> calls.readOutcome(503, "", "updateBatch"));
        assertEquals(ApiUnavailableException.class, down.getClass());
    }

    @Test
    void anOutcomeIsTheApisErrorMessageOrNull() throws Exception {
        assertNull(calls.readOutcome(200, "{\"data\":{\"updateBatch\":{\"_id\":\"b\"}}}", "updateBatch"));
        assertEquals("no such batch",
                calls.readOutcome(200, "{\"errors\":[{\"message\":\"no such batch\"}]}", "updateBatch"));
        assertTrue(calls.readOutcome(400, "{\"errors\":[{\"message\":\"bad\"}]}", "createBatchError")
                .contains("HTTP 400"));
        assertTrue(!health.isRejected(), "an answer that went through says the key is accepted");
    }

    @Test
    void anImageErrorNamesTheImageByItsIdOnceItHasOneElseByItsKey() {
        UploadKey upload = UploadKey.parse("ingestion", "batch-00000000-0000-0000-0000-000000000001/cam/a.jpg");
        JsonObject byKey = (JsonObject) calls.createImageErrorVariables("broken", null, upload).get("input");
        assertEquals(upload.key(), byKey.get("image"));
        assertEquals("broken", byKey.get("error"));
        assertEquals("batch-00000000-0000-0000-0000-000000000001", byKey.get("batch"));
        JsonObject byId = (JsonObject) calls.createImageErrorVariables("broken", "att-3", upload).get("input");
        assertEquals("att-3", byId.get("image"));
    }
}
