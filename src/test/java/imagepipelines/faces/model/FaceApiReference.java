package imagepipelines.faces.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs face-api's own JavaScript ({@code src/test/node/face-api-reference.cjs}) under Node on the exact pixels the Java
 * side decoded, and returns its JSON per image name.
 */
final class FaceApiReference {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FaceApiReference() {
    }

    static Map<String, JsonNode> run(Path modelDir, Path nodeModules, Map<String, Tensor> images, Path workDir,
                                     FaceAnalyzer.Options options) throws IOException, InterruptedException {
        Path script = Path.of("src/test/node/face-api-reference.cjs").toAbsolutePath();
        if (!Files.isRegularFile(script)) {
            throw new IOException("reference script missing: " + script);
        }
        ArrayNode job = JSON.createArrayNode();
        for (Map.Entry<String, Tensor> e : images.entrySet()) {
            Tensor t = e.getValue();
            byte[] raw = new byte[t.data.length];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = (byte) Math.round(t.data[i]);
            }
            Path rgb = workDir.resolve(e.getKey().replaceAll("[^A-Za-z0-9._-]", "_") + ".rgb");
            Files.write(rgb, raw);
            job.addObject().put("name", e.getKey()).put("width", t.w).put("height", t.h).put("rgb", rgb.toString());
        }
        Path jobFile = workDir.resolve("job.json");
        Path outFile = workDir.resolve("result.json");
        Path errFile = workDir.resolve("stderr.txt");
        JSON.writeValue(jobFile.toFile(), job);

        ProcessBuilder pb;
        try {
            pb = new ProcessBuilder("node", script.toString(), modelDir.toString());
            pb.environment().put("NODE_PATH", nodeModules.toString());
            pb.environment().put("FACE_REFERENCE_MIN_CONFIDENCE", Double.toString(options.minConfidence()));
            pb.environment().put("FACE_REFERENCE_TINY_INPUTS", options.tinyInputSizes().stream()
                    .map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
            pb.environment().put("FACE_REFERENCE_TINY_MIN_SCORE", Double.toString(options.tinyMinScore()));
            pb.environment().put("FACE_REFERENCE_MIN_OVERLAP", Double.toString(options.minOverlap()));
            pb.redirectInput(jobFile.toFile()).redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
        } catch (RuntimeException e) {
            throw new IOException("cannot set up node", e);
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("node not found on PATH (Node >= 14 runs the face-api reference): " + e.getMessage(),
                    e);
        }
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("face-api reference timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException("face-api reference failed (exit " + p.exitValue() + "): "
                    + Files.readString(errFile, StandardCharsets.UTF_8));
        }
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode r : JSON.readTree(outFile.toFile())) {
            out.put(r.get("name").asText(), r);
        }
        return out;
    }
}
