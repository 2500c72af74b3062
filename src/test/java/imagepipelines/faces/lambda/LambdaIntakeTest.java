package imagepipelines.faces.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import imagepipelines.faces.InvalidFacesRequestException;
import org.junit.jupiter.api.Test;

/** Start-up rules and the answers of the Lambda intake that do not need a signed request. */
class LambdaIntakeTest {

    @Test
    void enabledWithoutKeysRefusesToStartNamingTheVariable() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new LambdaIntake(true, "face-encodings-prod", "", "eu-west-1", 300, 262144, 6291456));
        assertTrue(e.getMessage().contains("FACES_INTAKE_LAMBDA_ACCESS_KEY"), e.getMessage());
        assertTrue(e.getMessage().contains("FACES_INTAKE_LAMBDA_ENABLED=false"), e.getMessage());
        // disabled: no keys needed
        new LambdaIntake(false, "face-encodings-prod", "", "eu-west-1", 300, 262144, 6291456);
        assertThrows(IllegalStateException.class,
                () -> new LambdaIntake(true, "not a name", "K:S", "eu-west-1", 300, 262144, 6291456));
    }

    @Test
    void emptySourcesAreANoOpOnlyWithAnApiUrl() {
        LambdaIntake intake = new LambdaIntake(true, "f", "K:S", "eu-west-1", 300, 262144, 6291456);
        assertTrue(intake.isNoOp("{\"api_url\": \"https://example.org\", \"sources\": []}"));
        assertFalse(intake.isNoOp("{\"sources\": []}"));
        assertFalse(intake.isNoOp("{\"api_url\": \"https://example.org\", \"sources\": [{}]}"));
        assertFalse(intake.isNoOp("not json"));
    }

    @Test
    void errorsAreShapedAsLambdasEvenWhenWrapped() {
        LambdaIntake intake = new LambdaIntake(true, "f", "K:S", "eu-west-1", 300, 262144, 6291456);
        LambdaError bad = intake.errorFor(new RuntimeException(new InvalidFacesRequestException("sources must be a list")));
        assertEquals(400, bad.status());
        assertEquals("{\"Type\":\"User\",\"message\":\"sources must be a list\"}", bad.body());
        assertEquals("{\"Type\":\"User\",\"Message\":\"Function not found: g\"}", LambdaError.functionNotFound("g").body());
        LambdaError other = intake.errorFor(new IllegalStateException("queue https://sqs/123 unreachable"));
        assertEquals(500, other.status());
        assertEquals("ServiceException", other.errorType());
        assertFalse(other.message().contains("sqs"), other.message());
        assertEquals("a+b:c", LambdaIntake.percentDecode("a+b%3Ac"));
    }
}
