package imagepipelines.faces.model;

import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Locating the models and the JavaScript reference, and loading the sample images, for the face tests. */
final class FaceTestSupport {
    static final String[] SAMPLES = {
        "astronaut-1face.png", "cameraman-gray-1face.png", "cat-0faces.png", "dogs-0faces.jpg", "group-6faces.jpg"};

    private FaceTestSupport() {
    }

    /** The model directory; fails (never skips) with what to run when the models are absent. */
    static Path modelDir() {
        Path dir = FaceAnalyzer.defaultModelDir().toAbsolutePath();
        for (String m : new String[] {SsdMobilenetDetector.MODEL_NAME, LandmarkNet.MODEL_NAME,
            FaceRecognitionNet.MODEL_NAME}) {
            if (!Files.isRegularFile(dir.resolve(m + "-weights_manifest.json"))) {
                fail("face models missing in " + dir + " (no " + m + "): run bin/fetch-face-models --reference"
                        + " (or set IMAGE_PIPELINES_MODELS to a directory it filled)");
            }
        }
        return dir;
    }

    /** node_modules of the JavaScript reference installed by {@code bin/fetch-face-models --reference}. */
    static Path referenceNodeModules() {
        String env = System.getenv("IMAGE_PIPELINES_FACE_REFERENCE");
        Path ref = env != null && !env.isBlank() ? Path.of(env)
                : modelDir().getParent().resolve("face-api-reference");
        Path nm = ref.toAbsolutePath().resolve("node_modules");
        if (!Files.isRegularFile(nm.resolve("@vladmandic/face-api/dist/face-api.node-wasm.js"))
                || !Files.isDirectory(nm.resolve("@tensorflow/tfjs-backend-cpu"))) {
            fail("JavaScript face reference missing in " + ref + ": run bin/fetch-face-models --reference"
                    + " (needs node >= 14 and npm registry access at setup time)");
        }
        return nm;
    }

    /**
     * The demo photos of the face-api package (people, 2-5 faces each), which {@code bin/fetch-face-models
     * --reference} extracts next to the JavaScript reference; not kept in the repository.
     */
    static java.util.List<Path> referenceSamples() throws IOException {
        Path dir = referenceNodeModules().getParent().resolve("samples");
        java.util.List<Path> files = new java.util.ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            Path f = dir.resolve("sample" + i + ".jpg");
            if (!Files.isRegularFile(f)) {
                fail("face-api demo photo missing: " + f + ": run bin/fetch-face-models --reference");
            }
            files.add(f);
        }
        return files;
    }

    static BufferedImage sample(String name) throws IOException {
        try (InputStream in = FaceTestSupport.class.getResourceAsStream("/faces/" + name)) {
            if (in == null) {
                throw new IOException("test resource /faces/" + name + " missing");
            }
            BufferedImage img = ImageIO.read(in);
            if (img == null) {
                throw new IOException("cannot decode /faces/" + name);
            }
            return img;
        }
    }
}
