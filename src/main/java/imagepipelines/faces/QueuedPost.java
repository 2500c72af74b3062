package imagepipelines.faces;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One source's computed encodings waiting on {@code faces.post-queue} for their turn at the receiver. Encodings are
 * kept as base64 of little-endian float32 (the exact values computed, ~680 characters a face instead of ~1,700 as
 * JSON text). Holds the source's token, so the queue must be as private as the request queue.
 */
public record QueuedPost(
        @JsonProperty("request_id") String requestId,
        @JsonProperty("api_url") String apiUrl,
        @JsonProperty("type") String type,
        @JsonProperty("pk") long pk,
        @JsonProperty("token") String token,
        @JsonProperty("photo_url") String photoUrl,
        @JsonProperty("encodings") List<String> encodings,
        @JsonProperty("attempt") int attempt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static QueuedPost of(String requestId, FacesRequest request, FaceSource s, List<float[]> encodings) {
        List<String> packed = new ArrayList<>(encodings.size());
        for (float[] e : encodings) {
            ByteBuffer b = ByteBuffer.allocate(e.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : e) {
                b.putFloat(f);
            }
            packed.add(Base64.getEncoder().encodeToString(b.array()));
        }
        return new QueuedPost(requestId, request.apiUrl(), s.type(), s.pk(), s.token(),
                UrlPolicy.withoutQuery(s.photoUrl()), packed, 0);
    }

    public static QueuedPost parse(String json) throws JsonProcessingException {
        return JSON.readValue(json, QueuedPost.class);
    }

    public String toJson() throws JsonProcessingException {
        return JSON.writeValueAsString(this);
    }

    public QueuedPost nextAttempt() {
        return new QueuedPost(requestId, apiUrl, type, pk, token, photoUrl, encodings, attempt + 1);
    }

    public List<float[]> floats() {
        List<float[]> out = new ArrayList<>(encodings.size());
        for (String e : encodings) {
            ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(e)).order(ByteOrder.LITTLE_ENDIAN);
            float[] f = new float[b.remaining() / 4];
            for (int i = 0; i < f.length; i++) {
                f[i] = b.getFloat();
            }
            out.add(f);
        }
        return out;
    }

    public FaceSource source() {
        return new FaceSource(pk, type, photoUrl, token);
    }

    public String resultUrl() {
        return new FacesRequest(apiUrl, List.of()).resultUrl(source());
    }

    @Override
    public String toString() {
        return "QueuedPost[" + requestId + ", " + type + " " + pk + ", " + encodings.size() + " encoding(s), attempt "
                + attempt + "]";
    }
}
