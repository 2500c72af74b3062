package imagepipelines.faces.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of one TF.js model: {@code <name>-weights_manifest.json} plus the binary shard files it lists.
 * Quantised entries ({@code uint8} or {@code uint16} with {@code scale} and {@code min}) are dequantised the way TF.js
 * does it: {@code value = q * scale + min}, rounded to float32.
 */
public final class WeightFile {

    /** One named weight tensor; {@code data} is row-major in the order of {@code shape} (TF layout). */
    public record Weight(String name, int[] shape, float[] data) {
        public int size() {
            return data.length;
        }
    }

    private final String modelName;
    private final Map<String, Weight> weights;

    private WeightFile(String modelName, Map<String, Weight> weights) {
        this.modelName = modelName;
        this.weights = Collections.unmodifiableMap(weights);
    }

    /** Loads {@code dir/<modelName>-weights_manifest.json} and its shards. */
    public static WeightFile load(Path dir, String modelName) throws IOException {
        Path manifestPath = dir.resolve(modelName + "-weights_manifest.json");
        if (!Files.isRegularFile(manifestPath)) {
            throw new NoSuchFileException(manifestPath.toString(), null,
                    "face model manifest missing (run bin/fetch-face-models)");
        }
        JsonNode manifest = new ObjectMapper().readTree(manifestPath.toFile());
        Map<String, Weight> out = new LinkedHashMap<>();
        for (JsonNode group : manifest) {
            ByteBuffer buf = readShards(dir, group.get("paths"));
            for (JsonNode entry : group.get("weights")) {
                Weight w = readEntry(entry, buf);
                out.put(w.name(), w);
            }
            if (buf.hasRemaining()) {
                throw new IOException(modelName + ": " + buf.remaining() + " unread bytes after the last weight");
            }
        }
        return new WeightFile(modelName, out);
    }

    private static ByteBuffer readShards(Path dir, JsonNode paths) throws IOException {
        byte[][] parts = new byte[paths.size()][];
        int total = 0;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = Files.readAllBytes(dir.resolve(paths.get(i).asText()));
            total += parts[i].length;
        }
        ByteBuffer buf = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] p : parts) {
            buf.put(p);
        }
        return buf.flip();
    }

    private static Weight readEntry(JsonNode entry, ByteBuffer buf) throws IOException {
        String name = entry.get("name").asText();
        JsonNode shapeNode = entry.get("shape");
        int[] shape = new int[shapeNode.size()];
        int n = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asInt();
            n *= shape[i];
        }
        String dtype = entry.get("dtype").asText();
        float[] data = new float[n];
        JsonNode q = entry.get("quantization");
        if (q != null) {
            double scale = q.get("scale").asDouble();
            double min = q.get("min").asDouble();
            String qType = q.get("dtype").asText();
            for (int i = 0; i < n; i++) {
                int raw = switch (qType) {
                    case "uint8" -> buf.get() & 0xff;
                    case "uint16" -> buf.getShort() & 0xffff;
                    default -> throw new IOException(name + ": unsupported quantisation " + qType);
                };
                double v = raw * scale + min;
                data[i] = dtype.equals("int32") ? (float) (int) v : (float) v;
            }
        } else {
            for (int i = 0; i < n; i++) {
                data[i] = switch (dtype) {
                    case "float32" -> buf.getFloat();
                    case "int32" -> buf.getInt();
                    default -> throw new IOException(name + ": unsupported dtype " + dtype);
                };
            }
        }
        return new Weight(name, shape, data);
    }

    public String modelName() {
        return modelName;
    }

    public Map<String, Weight> all() {
        return weights;
    }

    public Weight get(String name) {
        Weight w = weights.get(name);
        if (w == null) {
            throw new IllegalArgumentException(modelName + ": no weight named " + name);
        }
        return w;
    }

    /** The weight's data, checking its shape. */
    public float[] data(String name, int... expectedShape) {
        Weight w = get(name);
        if (expectedShape.length > 0 && !java.util.Arrays.equals(w.shape(), expectedShape)) {
            throw new IllegalArgumentException(modelName + ": " + name + " has shape "
                    + java.util.Arrays.toString(w.shape()) + ", expected " + java.util.Arrays.toString(expectedShape));
        }
        return w.data();
    }
}
