package imagepipelines.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@code objects(body, "ObjectRemoved:")}: the deletions the aerial intake takes, in all three shapes. */
class S3EventParserRemovalsTest {

    private final S3EventParser parser = new S3EventParser();

    static String notification(String eventName, String key) {
        return """
            {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"%s",
              "s3":{"bucket":{"name":"historic-aerials-prod"},"object":{"key":"%s","sequencer":"0A1"}}}]}
            """.formatted(eventName, key);
    }

    static List<String> keys(List<UploadKey> u) {
        return u.stream().map(UploadKey::key).toList();
    }

    @Test
    void removalsAreReadOnlyWhenAskedFor() throws Exception {
        String deleted = notification("ObjectRemoved:Delete", "bw/De+Witt/USGS_1952/frames/cog/1952_0042.tif");
        assertEquals(List.of("bw/De Witt/USGS_1952/frames/cog/1952_0042.tif"),
                keys(parser.objects(deleted, "ObjectRemoved:")));
        assertEquals(List.of(), keys(parser.parse(deleted)), "parse() is creations only, as before");
        String created = notification("ObjectCreated:Put", "bw/X/USGS_1952/frames/georef/a.tif");
        assertEquals(List.of(), keys(parser.objects(created, "ObjectRemoved:")));
        String marker = notification("ObjectRemoved:DeleteMarkerCreated", "bw/X/USGS_1952/frames/cog/a.tif");
        assertEquals(List.of("bw/X/USGS_1952/frames/cog/a.tif"), keys(parser.objects(marker, "ObjectRemoved:")));
    }

    @Test
    void snsWrappedAndEventBridgeDeletions() throws Exception {
        String sns = "{\"Type\":\"Notification\",\"Message\":"
                + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                        notification("ObjectRemoved:Delete", "nc/Lake/USDA_1958/mosaic/cog/m.tif")) + "}";
        assertEquals(List.of("nc/Lake/USDA_1958/mosaic/cog/m.tif"), keys(parser.objects(sns, "ObjectRemoved:")));
        String eventBridge = """
            {"version":"0","id":"1","detail-type":"Object Deleted","source":"aws.s3","account":"1",
             "time":"2026-12-05T10:00:00Z","region":"us-east-1","resources":["arn:aws:s3:::b"],
             "detail":{"version":"0","bucket":{"name":"historic-aerials-prod"},
                       "object":{"key":"nc/Lake/USDA_1958/mosaic/cog/m+2.tif","sequencer":"1"},
                       "deletion-type":"Permanently Deleted"}}
            """;
        assertEquals(List.of("nc/Lake/USDA_1958/mosaic/cog/m 2.tif"),
                keys(parser.objects(eventBridge, "ObjectRemoved:")));
        assertEquals(List.of(), keys(parser.parse(eventBridge)));
    }
}
