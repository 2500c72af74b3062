package imagepipelines.faces;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/** The bearer key check and the 202 answer of POST /faces/requests. */
public final class FacesHttpAnswers {

    private final byte[] key;

    /** {@code key}: the bearer key callers must send; blank = no check (keep the port private then). */
    public FacesHttpAnswers(String key) {
        this.key = key == null || key.isBlank() ? null : ("Bearer " + key.strip()).getBytes(StandardCharsets.UTF_8);
    }

    /** True when a key is set and {@code authorization} (the header, may be null) does not carry it. */
    public boolean unauthorized(String authorization) {
        if (key == null) {
            return false;
        }
        return authorization == null || !MessageDigest.isEqual(key, authorization.strip().getBytes(StandardCharsets.UTF_8));
    }

    public Map<String, Object> accepted(String requestId, FacesRequest request) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", requestId);
        m.put("sources", request.sources().size());
        return m;
    }
}
