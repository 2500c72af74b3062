package imagepipelines.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks the bearer token of the mutating operator endpoints ({@code /maintenance/on|off|replay},
 * {@code /batches/{id}/redrive}) against {@code pipelines.operator.secret}, in constant time. Start-up
 * ({@link OperatorSecret}) makes sure the secret is set where those endpoints are served; without one every call is
 * refused.
 */
public final class OperatorToken {

    private final byte[] expected;

    public OperatorToken(String secret) {
        // no secret: every call is refused (fail closed)
        expected = secret == null || secret.isBlank() ? null
                : ("Bearer " + secret.strip()).getBytes(StandardCharsets.UTF_8);
    }

    /** true when the Authorization header is missing or does not carry the operator token */
    public boolean unauthorized(String authorization) {
        if (expected == null || authorization == null) {
            return true;
        }
        return !MessageDigest.isEqual(expected, authorization.strip().getBytes(StandardCharsets.UTF_8));
    }
}
