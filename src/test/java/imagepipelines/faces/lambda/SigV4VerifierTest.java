package imagepipelines.faces.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signatures made by the AWS SDK for Java v2's own signer (which, unlike boto3, signs x-amz-content-sha256; boto3's
 * signatures are checked end to end in FacesLambdaIntakeRoutesTest) are accepted, and any change is refused.
 */
class SigV4VerifierTest {

    static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    static final String PATH = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af/invocations";
    static final byte[] BODY = "{\"api_url\": \"http://127.0.0.1\", \"sources\": []}".getBytes(StandardCharsets.UTF_8);

    static SigV4Verifier verifier(Instant now) {
        return new SigV4Verifier("AKIDA:secret-a, AKIDB:secret-b", "us-east-1", "lambda", Duration.ofMinutes(5),
                Clock.fixed(now, ZoneOffset.UTC));
    }

    /** A request signed at {@code at} by the SDK's AwsV4HttpSigner, as the SDK's LambdaClient sends it. */
    static SigV4Verifier.Received signed(String keyId, String secret, String region, Instant at, byte[] body) {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).protocol("http").host("127.0.0.1")
                .port(8080).encodedPath(PATH).putHeader("X-Amz-Invocation-Type", "Event")
                .putHeader("Content-Type", "application/json").build();
        SdkHttpRequest out = AwsV4HttpSigner.create().sign(s -> s
                .identity(AwsCredentialsIdentity.create(keyId, secret)).request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC))).request();
        Map<String, List<String>> headers = new LinkedHashMap<>(out.headers());
        return new SigV4Verifier.Received("POST", PATH, headers, body);
    }

    static LambdaError refusal(SigV4Verifier v, SigV4Verifier.Received r) {
        return assertThrows(LambdaInvokeException.class, () -> v.verify(r)).error();
    }

    @Test
    void theSdksOwnSignatureIsAcceptedForEitherKey() throws Exception {
        assertTrue(signed("AKIDA", "secret-a", "us-east-1", NOW, BODY).headers().containsKey("x-amz-content-sha256"));
        assertEquals("AKIDA", verifier(NOW).verify(signed("AKIDA", "secret-a", "us-east-1", NOW, BODY)));
        assertEquals("AKIDB", verifier(NOW.plusSeconds(299)).verify(signed("AKIDB", "secret-b", "us-east-1", NOW, BODY)));
    }

    @Test
    void aChangedBodyPathOrHeaderIsRefused() {
        SigV4Verifier.Received r = signed("AKIDA", "secret-a", "us-east-1", NOW, BODY);
        byte[] other = BODY.clone();
        other[2] = 'X';
        LambdaError e = refusal(verifier(NOW), new SigV4Verifier.Received("POST", PATH, r.headers(), other));
        assertEquals(403, e.status());
        assertEquals("InvalidSignatureException", e.errorType());
        assertEquals("InvalidSignatureException", refusal(verifier(NOW), new SigV4Verifier.Received("POST",
                PATH.replace("function%3Af", "function%3Ag"), r.headers(), BODY)).errorType());
        Map<String, List<String>> h = new LinkedHashMap<>(r.headers());
        h.put("X-Amz-Invocation-Type", List.of("RequestResponse"));
        assertEquals("InvalidSignatureException",
                refusal(verifier(NOW), new SigV4Verifier.Received("POST", PATH, h, BODY)).errorType());
    }

    @Test
    void wrongSecretUnknownKeyRegionAndStaleAreRefused() {
        assertEquals("InvalidSignatureException",
                refusal(verifier(NOW), signed("AKIDA", "secret-b", "us-east-1", NOW, BODY)).errorType());
        assertEquals("UnrecognizedClientException",
                refusal(verifier(NOW), signed("AKIDC", "secret-a", "us-east-1", NOW, BODY)).errorType());
        assertTrue(refusal(verifier(NOW), signed("AKIDA", "secret-a", "eu-west-1", NOW, BODY)).message()
                .contains("region"));
        LambdaError stale = refusal(verifier(NOW.plusSeconds(301)), signed("AKIDA", "secret-a", "us-east-1", NOW, BODY));
        assertEquals("Signature expired: 20261205T120000Z is now earlier than 20261205T120001Z (20261205T120501Z - 5 min.)",
                stale.message());
        assertTrue(refusal(verifier(NOW.minusSeconds(301)), signed("AKIDA", "secret-a", "us-east-1", NOW, BODY))
                .message().startsWith("Signature not yet current"));
    }

    @Test
    void missingOrMalformedAuthorizationIsRefusedWithoutEchoingIt() {
        SigV4Verifier.Received r = signed("AKIDA", "secret-a", "us-east-1", NOW, BODY);
        Map<String, List<String>> h = new LinkedHashMap<>(r.headers());
        h.remove("Authorization");
        assertEquals("MissingAuthenticationTokenException",
                refusal(verifier(NOW), new SigV4Verifier.Received("POST", PATH, h, BODY)).errorType());
        h.put("Authorization", List.of("Bearer secret-a"));
        LambdaError bearer = refusal(verifier(NOW), new SigV4Verifier.Received("POST", PATH, h, BODY));
        assertEquals("IncompleteSignatureException", bearer.errorType());
        assertEquals(403, bearer.status());
        assertFalse(bearer.message().contains("secret-a"));
        String auth = r.headers().get("Authorization").get(0);
        h.put("Authorization", List.of(auth.substring(0, auth.indexOf(", Signature="))));
        assertTrue(refusal(verifier(NOW), new SigV4Verifier.Received("POST", PATH, h, BODY)).message()
                .contains("'Signature'"));
    }

    @Test
    void keysAreParsedAndABadEntryIsNamedWithoutItsValue() {
        assertEquals(List.of("AKIDA", "AKIDB"), verifier(NOW).accessKeyIds());
        assertFalse(new SigV4Verifier(" : ", "us-east-1", "lambda", Duration.ofMinutes(5), Clock.systemUTC()).hasKeys());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SigV4Verifier.parseKeys("AKIDA:ok,just-a-secret-value"));
        assertTrue(e.getMessage().contains("entry 2"), e.getMessage());
        assertFalse(e.getMessage().contains("just-a-secret-value"));
    }
}
