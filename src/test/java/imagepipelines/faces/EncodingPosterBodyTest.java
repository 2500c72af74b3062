package imagepipelines.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The receiver's body is written by Jackson: any token is valid JSON, and every encoding value a JSON float. */
class EncodingPosterBodyTest {

    @Test
    void tokenWithQuotesAndControlCharactersStaysValidJsonAndValuesStayFloats() throws Exception {
        String token = "a\"b\\c\nd\u0001é";
        float[] e = new float[128];
        e[0] = 0f;
        e[1] = -0.0864f;
        e[2] = Float.NaN;
        e[3] = Float.POSITIVE_INFINITY;
        String json = new String(EncodingPoster.body(token, List.of(e)), StandardCharsets.UTF_8);
        JsonNode n = new ObjectMapper().readTree(json);
        assertEquals(token, n.get("token").asText());
        JsonNode values = n.get("encodings").get(0);
        assertEquals(128, values.size());
        // the receiver refuses integers such as 0: every value is written with a fraction
        for (JsonNode v : values) {
            assertEquals(true, v.isFloatingPointNumber(), json);
        }
        assertEquals(-0.0864f, values.get(1).floatValue());
        assertEquals(0.0, values.get(2).doubleValue(), "a non-finite value is sent as 0.0");
        assertEquals(0.0, values.get(3).doubleValue());
        assertEquals("{\"token\":\"t\",\"encodings\":[]}",
                new String(EncodingPoster.body("t", List.of()), StandardCharsets.UTF_8));
    }
}
