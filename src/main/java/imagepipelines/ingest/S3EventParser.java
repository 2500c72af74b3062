package imagepipelines.ingest;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads an S3 event notification as S3 delivers it to SQS (directly, or wrapped in an SNS envelope) and returns
 * the uploads it announces. Keys arrive URL-encoded with '+' for space. {@code s3:TestEvent} announces nothing.
 */
public final class S3EventParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    public List<UploadKey> parse(String body) throws IOException {
        return objects(body, "ObjectCreated:");
    }

    /** The objects of the records whose {@code eventName} starts with the prefix, e.g. {@code ObjectRemoved:}. */
    public List<UploadKey> objects(String body, String eventNamePrefix) throws IOException {
        JsonNode root = JSON.readTree(body);
        if (root.hasNonNull("Type") && root.hasNonNull("Message")) {
            root = JSON.readTree(root.get("Message").asText()); // SNS fan-out
        }
        List<UploadKey> uploads = new ArrayList<>();
        if ("s3:TestEvent".equals(root.path("Event").asText())) {
            return uploads;
        }
        JsonNode records = root.path("Records");
        if (!records.isArray()) {
            throw new IllegalArgumentException("not an S3 event notification: no Records array");
        }
        for (JsonNode r : records) {
            String event = r.path("eventName").asText("");
            if (!event.startsWith(eventNamePrefix)) {
                continue;
            }
            String bucket = r.path("s3").path("bucket").path("name").asText();
            String rawKey = r.path("s3").path("object").path("key").asText();
            if (bucket.isEmpty() || rawKey.isEmpty()) {
                throw new IllegalArgumentException("S3 event record without bucket or key: " + r);
            }
            uploads.add(UploadKey.parse(bucket, URLDecoder.decode(rawKey, StandardCharsets.UTF_8)));
        }
        return uploads;
    }
}
