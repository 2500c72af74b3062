package imagepipelines.ingest.bulk;

import java.time.Instant;
import java.util.List;

import org.apache.camel.util.json.JsonObject;

/**
 * Variables of updateBatch and createBatchError (CONTRACTS §1, bulk upload). Only fields of the API's input types
 * are sent; dates are ISO-8601 instants.
 */
public final class BatchCalls {

    /** {@code {input: {_id, <field>: now, ...}}}; {@code fields} e.g. "total,uploadComplete". */
    public JsonObject updateBatch(String batchId, String fields, Integer total) {
        JsonObject input = new JsonObject();
        input.put("_id", batchId);
        String now = Instant.now().toString();
        for (String f : List.of(fields.split("[,+ ]"))) {
            String field = f.trim();
            if (field.equals("total")) {
                input.put("total", total);
            } else if (!field.isEmpty()) {
                input.put(field, now);
            }
        }
        JsonObject vars = new JsonObject();
        vars.put("input", input);
        return vars;
    }

    /** {@code {input: {error, batch}}}. */
    public JsonObject batchError(String error, String batchId) {
        JsonObject input = new JsonObject();
        input.put("error", error);
        input.put("batch", batchId);
        JsonObject vars = new JsonObject();
        vars.put("input", input);
        return vars;
    }
}
