package imagepipelines.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class S3EventParserTest {

    final S3EventParser parser = new S3EventParser();

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
        assertEquals("cam 1/Foto Ñandú +1.JPG", u.get(0).key());
    }

    @Test
    void ignoresTheTestEventAndNonCreateEvents() throws Exception {
        assertTrue(parser.parse("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"ingest\"}").isEmpty());
        assertTrue(parser.parse(event("b", "k.jpg").replace("ObjectCreated:Put", "ObjectRemoved:Delete")).isEmpty());
    }

    @Test
    void unwrapsAnSnsEnvelope() throws Exception {
        String inner = event("b", "a.jpg").replace("\"", "\\\"").replace("\n", "");
        List<UploadKey> u = parser.parse("{\"Type\":\"Notification\",\"Message\":\"" + inner + "\"}");
        assertEquals("a.jpg", u.get(0).key());
    }

    @Test
    void refusesSomethingElse() {
        assertThrows(Exception.class, () -> parser.parse("not json"));
        assertThrows(IllegalArgumentException.class, () -> parser.parse("{\"hello\":1}"));
    }
}
