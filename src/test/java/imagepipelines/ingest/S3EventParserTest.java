package imagepipelines.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import imagepipelines.testsupport.S3Events;
import org.junit.jupiter.api.Test;

class S3EventParserTest {

    static final String KEY = "cam 1/Foto Ñandú +1.JPG";

    final S3EventParser parser = new S3EventParser();

    /** An S3 event notification for a key given already encoded. */
    static String event(String bucket, String encodedKey) {
        return """
            {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-west-2",
              "eventTime":"2026-11-21T08:00:00.000Z","eventName":"ObjectCreated:Put",
              "s3":{"s3SchemaVersion":"1.0","configurationId":"ingest",
                    "bucket":{"name":"%s","arn":"arn:aws:s3:::%s"},
                    "object":{"key":"%s","size":1234,"eTag":"0123456789abcdef","sequencer":"0055AED6DCD90281E5"}}}]}
            """.formatted(bucket, bucket, encodedKey);
    }

    @Test
    void decodesKeysAsS3EncodesThem() throws Exception {
        List<UploadKey> u = parser.parse(event("ingest", "cam+1/Foto+%C3%91and%C3%BA+%2B1.JPG"));
        assertEquals(1, u.size());
        assertEquals("ingest", u.get(0).bucket());
        assertEquals(KEY, u.get(0).key());
        assertEquals(KEY, parser.parse(S3Events.notification("ingest", KEY)).get(0).key());
    }

    @Test
    void ignoresTheTestEventAndNonCreateEvents() throws Exception {
        assertTrue(parser.parse("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"ingest\"}").isEmpty());
        assertTrue(parser.parse(event("b", "k.jpg").replace("ObjectCreated:Put", "ObjectRemoved:Delete")).isEmpty());
        assertTrue(parser.parse(S3Events.eventBridge("Object Deleted", "b", "k.jpg")).isEmpty());
    }

    @Test
    void unwrapsAnSnsEnvelope() throws Exception {
        List<UploadKey> u = parser.parse(S3Events.sns(S3Events.notification("b", KEY)));
        assertEquals(List.of(UploadKey.parse("b", KEY)), u);
        assertTrue(parser.parse(S3Events.sns("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\"}")).isEmpty());
    }

    @Test
    void readsAnEventBridgeObjectCreatedEventWithItsKeyDecoded() throws Exception {
        List<UploadKey> u = parser.parse(S3Events.eventBridge("ingest", KEY));
        assertEquals(1, u.size());
        assertEquals("ingest", u.get(0).bucket());
        assertEquals(KEY, u.get(0).key());
        // an EventBridge rule can also target an SNS topic
        assertEquals(KEY, parser.parse(S3Events.sns(S3Events.eventBridge("ingest", KEY))).get(0).key());
    }

    @Test
    void refusesSomethingElse() {
        assertThrows(Exception.class, () -> parser.parse("not json"));
        assertThrows(IllegalArgumentException.class, () -> parser.parse("{\"hello\":1}"));
        assertThrows(IllegalArgumentException.class, () -> parser.parse(
                S3Events.eventBridge("b", "k.jpg").replace("\"aws.s3\"", "\"aws.ec2\"")));
        assertThrows(IllegalArgumentException.class, () -> parser.parse(
                S3Events.eventBridge("b", "k.jpg").replace("\"bucket\"", "\"pail\"")));
    }

    /** Found by S3EventParserFuzzTest: {"Records":[null]} threw a NullPointerException instead of a reason. */
    @Test
    void aNullInRecordsIsRefusedWithAReasonNotANullPointerException() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parser.parse("{\"Records\":[null]}"));
        assertTrue(e.getMessage().contains("Records[0]"), e.getMessage());
    }
}
