package imagepipelines.faces;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

/** JSON answers of POST /faces/requests. */
public final class FacesHttpAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] key;

    /** {@code key}: the bearer key callers must send; blank = no check (keep the port private then). */
    public FacesHttpAnswers(String key) {
        this.key = key == null || key.isBlank() ? null : ("Bearer " + key.strip()).getBytes(StandardCharsets.UTF_8);
    }

    public boolean unauthorized(Exchange ex) {
        if (key == null) {
            return false;
        }
        String given = ex.getIn().getHeader("Authorization", String.class);
        return given == null || !MessageDigest.isEqual(key, given.strip().getBytes(StandardCharsets.UTF_8));
    }

    public String accepted(Exchange ex) throws JsonProcessingException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", ex.getProperty("requestId", String.class));
        m.put("sources", ex.getProperty("facesRequest", FacesRequest.class).sources().size());
        return JSON.writeValueAsString(m);
    }

    public String error(Exchange ex) throws JsonProcessingException {
        Throwable e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return JSON.writeValueAsString(Map.of("error", e == null ? "invalid request" : String.valueOf(e.getMessage())));
    }
}
