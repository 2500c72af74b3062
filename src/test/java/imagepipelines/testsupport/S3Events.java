package imagepipelines.testsupport;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The three shapes in which S3 announces an upload on a queue (CONTRACTS "S3 events on a queue"), built the way AWS
 * writes them: an S3 event notification, the same in an SNS envelope, and an EventBridge "Object Created" event.
 * Keys are given plain and encoded as S3 encodes them (form encoding: ' ' as '+', '+' as %2B; '/' kept).
 */
public final class S3Events {

    private static final ObjectMapper JSON = new ObjectMapper();

    private S3Events() {
    }

    public static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    public static String notification(String bucket, String key) {
        return """
            {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-west-2",
              "eventTime":"2026-11-21T08:00:00.000Z","eventName":"ObjectCreated:Put",
              "userIdentity":{"principalId":"AWS:AIDAEXAMPLE"},"requestParameters":{"sourceIPAddress":"203.0.113.7"},
              "responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
              "s3":{"s3SchemaVersion":"1.0","configurationId":"ingest",
                    "bucket":{"name":"%s","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::%s"},
                    "object":{"key":"%s","size":1234,"eTag":"0123456789abcdef0123456789abcdef","sequencer":"0055AED6DCD90281E5"}}}]}
            """.formatted(bucket, bucket, encodeKey(key));
    }

    /** An SNS topic's delivery to an SQS subscription (raw message delivery off): the event is a JSON string. */
    public static String sns(String message) {
        try {
            return JSON.writeValueAsString(Map.of(
                    "Type", "Notification",
                    "MessageId", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
                    "TopicArn", "arn:aws:sns:us-west-2:123456789012:uploads",
                    "Subject", "Amazon S3 Notification",
                    "Message", message,
                    "Timestamp", "2026-11-21T08:00:00.123Z",
                    "SignatureVersion", "1"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An EventBridge rule's delivery to an SQS target: the event itself is the message body. */
    public static String eventBridge(String detailType, String bucket, String key) {
        try {
            return JSON.writeValueAsString(Map.of(
                    "version", "0",
                    "id", "17793124-05d4-b198-2fde-7ededc63b103",
                    "detail-type", detailType,
                    "source", "aws.s3",
                    "account", "111122223333",
                    "time", "2026-11-21T08:00:00Z",
                    "region", "us-west-2",
                    "resources", List.of("arn:aws:s3:::" + bucket),
                    "detail", Map.of(
                            "version", "0",
                            "bucket", Map.of("name", bucket),
                            "object", Map.of("key", encodeKey(key), "size", 1234,
                                    "etag", "b1946ac92492d2347c6235b4d2611184", "sequencer", "617f08299329d189"),
                            "request-id", "N4N7GDK58NMKJ12R",
                            "requester", "123456789012",
                            "source-ip-address", "203.0.113.7",
                            "reason", "PutObject")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String eventBridge(String bucket, String key) {
        return eventBridge("Object Created", bucket, key);
    }
}
