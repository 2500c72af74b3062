package imagepipelines.faces.model;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Detect -> landmarks -> align -> encode, the face-api 1.7.15 pipeline
 * ({@code detectAllFaces(img, SsdMobilenetv1Options).withFaceLandmarks().withFaceDescriptors()}) in plain Java.
 * The models are read once from a directory filled by {@code bin/fetch-face-models}. Thread-safe: the nets are
 * immutable and every call works on its own buffers, so one instance can serve many threads.
 * Single-threaded per call (the app parallelises across photos). EXIF orientation is the caller's job.
 */
public final class FaceAnalyzer {
    /** face-api's default minimum detector confidence. */
    public static final double DEFAULT_MIN_CONFIDENCE = 0.5;

    private final SsdMobilenetDetector detector;
    private final LandmarkNet landmarkNet;
    private final FaceRecognitionNet recognitionNet;
    private final double minConfidence;

    public FaceAnalyzer(Path modelDir) throws IOException {
        this(modelDir, DEFAULT_MIN_CONFIDENCE);
    }

    public FaceAnalyzer(Path modelDir, double minConfidence) throws IOException {
        this(new SsdMobilenetDetector(modelDir), new LandmarkNet(modelDir), new FaceRecognitionNet(modelDir),
                minConfidence);
    }

    public FaceAnalyzer(SsdMobilenetDetector detector, LandmarkNet landmarkNet, FaceRecognitionNet recognitionNet,
                        double minConfidence) {
        this.detector = detector;
        this.landmarkNet = landmarkNet;
        this.recognitionNet = recognitionNet;
        this.minConfidence = minConfidence;
    }

    /** The model directory: {@code $IMAGE_PIPELINES_MODELS}, else {@code models/face-api} under the working dir. */
    public static Path defaultModelDir() {
        String env = System.getenv("IMAGE_PIPELINES_MODELS");
        return Path.of(env != null && !env.isBlank() ? env : "models/face-api");
    }

    public List<DetectedFace> analyze(BufferedImage image) {
        return analyze(RgbImage.toTensor(image));
    }

    /** All faces of an RGB tensor (0..255), best detector score first. */
    public List<DetectedFace> analyze(Tensor rgb) {
        List<DetectedFace> faces = new ArrayList<>();
        for (Detection d : detect(rgb)) {
            DetectedFace f = describe(rgb, d);
            if (f != null) {
                faces.add(f);
            }
        }
        return faces;
    }

    public List<Detection> detect(Tensor rgb) {
        return detector.detect(rgb, minConfidence);
    }

    /** Landmarks, aligned box and encoding for one detection; null when its box lies outside the image. */
    public DetectedFace describe(Tensor rgb, Detection d) {
        Landmarks lm = landmarks(rgb, d);
        if (lm == null) {
            return null;
        }
        FaceBox aligned = FaceAligner.alignedBox(lm.points(), lm.cropWidth(), lm.cropHeight());
        Tensor chip = RgbImage.cropClipped(rgb, aligned);
        if (chip == null) {
            return null;
        }
        return new DetectedFace(d.score(), d.box(), lm.points(), aligned, recognitionNet.descriptor(chip));
    }

    /** 68 landmarks in image coordinates, and the size of the crop they were found in. */
    public record Landmarks(double[] points, int cropWidth, int cropHeight) {
    }

    public Landmarks landmarks(Tensor rgb, Detection d) {
        FaceBox box = d.box();
        // face-api re-derives the box from its relative form before cutting (forSize); same arithmetic here
        FaceBox rescaled = new FaceBox(box.x() * (1.0 / rgb.w) * rgb.w, box.y() * (1.0 / rgb.h) * rgb.h,
                box.width() * (1.0 / rgb.w) * rgb.w, box.height() * (1.0 / rgb.h) * rgb.h);
        Tensor crop = RgbImage.cropClipped(rgb, rescaled);
        if (crop == null) {
            return null;
        }
        float[] p = landmarkNet.landmarks(crop);
        double[] pts = new double[p.length];
        for (int i = 0; i < p.length; i += 2) {
            pts[i] = p[i] + box.x();
            pts[i + 1] = p[i + 1] + box.y();
        }
        return new Landmarks(pts, crop.w, crop.h);
    }

    public float[] encode(Tensor alignedChip) {
        return recognitionNet.descriptor(alignedChip);
    }

    /** Euclidean distance between two encodings (the members' site matches below 0.49). */
    public static double distance(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("encodings of different length: " + a.length + " vs " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }
}
