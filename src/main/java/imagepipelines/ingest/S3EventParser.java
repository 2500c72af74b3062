package imagepipelines.ingest;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the three shapes in which an S3 upload reaches a queue (CONTRACTS "S3 events on a queue") and returns the
 * uploads they announce:
 * <ul>
 *   <li>an S3 event notification ({@code Records[]}, {@code eventName} {@code ObjectCreated:*});</li>
 *   <li>the same inside an SNS envelope ({@code Type}, {@code Message} holding the JSON as a string);</li>
 *   <li>an EventBridge event ({@code "source": "aws.s3"}, {@code "detail-type": "Object Created"}).</li>
 * </ul>
 * Keys arrive URL-encoded with '+' for space in both S3 shapes: the notification documentation says so, and AWS's
 * own Lambda Powertools decodes EventBridge's {@code detail.object.key} the same way ({@code unquote_plus}; AWS's
 * EventBridge page shows no encoded example). {@code s3:TestEvent} and events other than object creation announce
 * nothing; anything else is refused. {@link #objects(String, String)} reads the other events the same way (the aerial
 * intake takes {@code ObjectRemoved:*} / "Object Deleted" for COGs deleted from its bucket).
 */
public final class S3EventParser {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The parts of an S3 event notification we read. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Notification(@JsonProperty("Records") List<NotificationRecord> records) { }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record NotificationRecord(String eventName, Entity s3) { }

    /** {@code s3} of a notification record, and {@code detail} of an EventBridge event: both have bucket and object. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Entity(Named bucket, Keyed object) { }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Named(String name) { }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Keyed(String key) { }

    /** The parts of an EventBridge event we read. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record EventBridgeEvent(String source, @JsonProperty("detail-type") String detailType, Entity detail) { }

    /** EventBridge's detail-type for a notification's eventName prefix. */
    private static final Map<String, String> DETAIL_TYPES = Map.of("ObjectCreated:", "Object Created",
            "ObjectRemoved:", "Object Deleted");

    public List<UploadKey> parse(String body) throws IOException {
        return objects(body, "ObjectCreated:");
    }

    /**
     * The objects of the events of one kind: notification records whose {@code eventName} starts with
     * {@code eventNamePrefix} ({@code ObjectCreated:}, {@code ObjectRemoved:}), or an EventBridge event of the
     * matching detail-type ({@code Object Created}, {@code Object Deleted}).
     */
    public List<UploadKey> objects(String body, String eventNamePrefix) throws IOException {
        JsonNode root = JSON.readTree(body);
        if (root.hasNonNull("Type") && root.hasNonNull("Message")) {
            root = JSON.readTree(root.get("Message").asText()); // SNS fan-out
        }
        List<UploadKey> uploads = new ArrayList<>();
        if ("s3:TestEvent".equals(root.path("Event").asText())) {
            return uploads;
        }
        if (root.has("detail-type")) {
            EventBridgeEvent event = JSON.treeToValue(root, EventBridgeEvent.class);
            if (!"aws.s3".equals(event.source())) {
                throw new IllegalArgumentException("an EventBridge event from " + event.source() + ", not from aws.s3");
            }
            if (event.detailType() != null && event.detailType().equals(DETAIL_TYPES.get(eventNamePrefix))) {
                uploads.add(upload(event.detail(), root));
            }
            return uploads;
        }
        if (!root.path("Records").isArray()) {
            throw new IllegalArgumentException("neither an S3 event notification (no Records array) nor an EventBridge event");
        }
        List<NotificationRecord> records = JSON.treeToValue(root, Notification.class).records();
        for (int i = 0; i < records.size(); i++) {
            NotificationRecord r = records.get(i);
            if (r == null) { // {"Records": [null]} is JSON Jackson reads, but no record
                throw new IllegalArgumentException("Records[" + i + "] of the S3 event is null, not a record");
            }
            if (r.eventName() != null && r.eventName().startsWith(eventNamePrefix)) {
                uploads.add(upload(r.s3(), r));
            }
        }
        return uploads;
    }

    private static UploadKey upload(Entity e, Object source) {
        String bucket = e == null || e.bucket() == null ? null : e.bucket().name();
        String rawKey = e == null || e.object() == null ? null : e.object().key();
        if (bucket == null || bucket.isEmpty() || rawKey == null || rawKey.isEmpty()) {
            throw new IllegalArgumentException("S3 event without bucket or key: " + source);
        }
        return UploadKey.parse(bucket, URLDecoder.decode(rawKey, StandardCharsets.UTF_8));
    }
}
