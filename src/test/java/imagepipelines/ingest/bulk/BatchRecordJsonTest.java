package imagepipelines.ingest.bulk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The batch records are kept in S3 as JSON and read by every replica, also after an upgrade: the records that
 * replaced the maps write the same field names, and records written by earlier versions (without {@code refused},
 * closed ones without {@code record}) still read.
 */
class BatchRecordJsonTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static List<String> fields(Object value) {
        List<String> out = new ArrayList<>();
        JSON.valueToTree(value).fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void openAndClosedRecordsKeepTheirStoredFieldNames() {
        BatchRecord open = new BatchRecord("batch-1", "batch-1.zip", 3, "2026-01-01T00:00:00Z", null, 3, 0, 0, "Bw==",
                "2026-01-01T00:00:01Z", null);
        assertEquals(List.of("batchId", "zip", "total", "processingStart", "ingestionComplete", "extracted",
                "extractFailed", "refused", "doneEntries", "updated", "redriveStarted"), fields(open));
        BatchProgress progress = BatchProgress.of(open, 0, 1, false);
        // GET /batches/{id}
        assertEquals(List.of("batch", "total", "done", "failed", "remaining", "extracted", "rate", "eta",
                "processingStart", "ingestionComplete", "processingEnd", "finished"), fields(progress));
        assertEquals(2, progress.done());
        assertEquals(1, progress.failed());
        JsonNode closed = JSON.valueToTree(progress.closed(open));
        assertEquals("batch-1.zip", closed.path("record").path("zip").asText());
        assertEquals(0, closed.path("eta").asInt());
        assertEquals(true, closed.path("finished").asBoolean());
    }

    @Test
    void recordsOfEarlierVersionsStillRead() throws Exception {
        BatchRecord open = JSON.readValue("{\"batchId\":\"batch-2\",\"zip\":\"batch-2.zip\",\"total\":4,"
                + "\"processingStart\":\"2026-01-01T00:00:00Z\",\"ingestionComplete\":null,\"extracted\":2,"
                + "\"extractFailed\":1,\"doneEntries\":\"Aw==\",\"updated\":\"2026-01-01T00:00:01Z\"}", BatchRecord.class);
        assertEquals(0, open.refused());
        assertEquals(2, open.extracted());
        BatchProgress closed = JSON.readValue("{\"batch\":\"batch-2\",\"total\":4,\"done\":2,\"failed\":2,"
                + "\"remaining\":0,\"extracted\":2,\"rate\":1.5,\"eta\":0,\"processingStart\":\"2026-01-01T00:00:00Z\","
                + "\"ingestionComplete\":\"2026-01-01T00:00:02Z\",\"processingEnd\":\"2026-01-01T00:00:03Z\","
                + "\"finished\":true}", BatchProgress.class);
        assertNull(closed.record());
        BatchRecord rebuilt = closed.rebuiltRecord(1);
        assertEquals(1, rebuilt.extractFailed());
        assertEquals("batch-2.zip", rebuilt.zip());
    }
}
