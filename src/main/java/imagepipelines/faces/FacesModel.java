package imagepipelines.faces;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import imagepipelines.faces.model.FaceAnalyzer;

/** Loads the shared {@link FaceAnalyzer} once at start-up; fails fast, naming the fetch script, without models. */
public final class FacesModel {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FacesModel.class);

    private FacesModel() {
    }

    /** The model directory (the default one when blank) if the models are there, else a message naming the script. */
    public static Path checkedDir(String modelDir) {
        Path dir = modelDir == null || modelDir.isBlank() ? FaceAnalyzer.defaultModelDir() : Path.of(modelDir);
        for (String m : new String[] {"ssd_mobilenetv1_model", "tiny_face_detector_model", "face_landmark_68_model",
            "face_recognition_model"}) {
            if (!Files.isRegularFile(dir.resolve(m + "-weights_manifest.json"))) {
                throw new IllegalStateException("face models not found in " + dir.toAbsolutePath()
                        + " (faces.model-dir / IMAGE_PIPELINES_MODELS; no " + m + "): run bin/fetch-face-models first");
            }
        }
        return dir;
    }

    /**
     * The analyzer of these models, loaded and warmed up once per JVM: Camel Main creates the YAML beans twice
     * at start-up (an early pass, then the real one), and the analyzer is immutable and thread-safe.
     */
    public static FaceAnalyzer load(String modelDir, int warmUpRounds) {
        Path dir = checkedDir(modelDir);
        Path key = dir.toAbsolutePath().normalize();
        synchronized (LOADED) {
            FaceAnalyzer a = LOADED.get(key);
            if (a == null) {
                a = loadNow(dir, warmUpRounds);
                LOADED.put(key, a);
            }
            return a;
        }
    }

    private static final java.util.Map<Path, FaceAnalyzer> LOADED = new java.util.HashMap<>();

    private static FaceAnalyzer loadNow(Path dir, int warmUpRounds) {
        long t0 = System.nanoTime();
        FaceAnalyzer analyzer;
        try {
            analyzer = new FaceAnalyzer(dir);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("face models in " + dir.toAbsolutePath() + " could not be loaded ("
                    + e.getMessage() + "): run bin/fetch-face-models --force", e);
        }
        long t1 = System.nanoTime();
        if (warmUpRounds > 0) {
            analyzer.warmUp(warmUpRounds);
        }
        LOG.info("face models loaded from {} in {} ms, warmed up in {} ms", dir,
                (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        return analyzer;
    }
}
