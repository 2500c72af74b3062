package imagepipelines.faces.model;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Detect -> landmarks -> align -> encode, the face-api 1.7.15 pipeline
 * ({@code detectAllFaces(img, SsdMobilenetv1Options).withFaceLandmarks().withFaceDescriptors()}) in plain Java,
 * with one addition: SSD also fires on animal faces (a cat at 0.93, a dog at 0.79, above a real face at 0.76), so by
 * default a detection is kept only when face-api's tiny face detector confirms it (a tiny box with score above 0.5
 * overlapping at IoU 0.3 or more), trying input size 416 and, for detections still unconfirmed, 608. Boxes, landmarks
 * and encodings of kept faces are exactly face-api's.
 * <p>The models are read once from a directory filled by {@code bin/fetch-face-models}. Thread-safe: the nets are
 * immutable and every call works on its own buffers, so one instance can serve many threads. Each call runs on the
 * caller's thread only (the app parallelises across photos). EXIF orientation is the caller's job
 * ({@link FaceImageDecoder} does it).
 */
public final class FaceAnalyzer {
    /**
     * @param minConfidence  SSD score threshold (face-api's default 0.5)
     * @param confirm        keep only SSD faces the tiny face detector confirms
     * @param tinyInputSizes tiny detector input sizes (multiples of 32), tried in order while detections remain
     *                       unconfirmed
     * @param tinyMinScore   tiny detector score threshold
     * @param minOverlap     IoU an SSD box and a tiny box need to count as the same face
     */
    public record Options(double minConfidence, boolean confirm, List<Integer> tinyInputSizes, double tinyMinScore,
                          double minOverlap) {
        public Options {
            tinyInputSizes = List.copyOf(tinyInputSizes);
            if (confirm && tinyInputSizes.isEmpty()) {
                throw new IllegalArgumentException("confirmation needs at least one tiny detector input size");
            }
        }

        public static Options defaults() {
            return new Options(0.5, true, List.of(416, 608), 0.5, 0.3);
        }

        /** face-api exactly: SSD at 0.5, no confirmation. */
        public static Options faceApi() {
            return new Options(0.5, false, List.of(416, 608), 0.5, 0.3);
        }
    }

    private final SsdMobilenetDetector detector;
    private final TinyFaceDetector confirmer;
    private final LandmarkNet landmarkNet;
    private final FaceRecognitionNet recognitionNet;
    private final Options options;

    public FaceAnalyzer(Path modelDir) throws IOException {
        this(modelDir, Options.defaults());
    }

    public FaceAnalyzer(Path modelDir, Options options) throws IOException {
        this(new SsdMobilenetDetector(modelDir), options.confirm() ? new TinyFaceDetector(modelDir) : null,
                new LandmarkNet(modelDir), new FaceRecognitionNet(modelDir), options);
    }

    public FaceAnalyzer(SsdMobilenetDetector detector, TinyFaceDetector confirmer, LandmarkNet landmarkNet,
                        FaceRecognitionNet recognitionNet, Options options) {
        if (options.confirm() && confirmer == null) {
            throw new IllegalArgumentException("confirmation needs the tiny face detector");
        }
        this.detector = detector;
        this.confirmer = confirmer;
        this.landmarkNet = landmarkNet;
        this.recognitionNet = recognitionNet;
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /**
     * Runs every net a few times on synthetic input so the JIT compiles the kernels: the first photo of a fresh JVM
     * otherwise takes many times as long as the next ones. Call once at start-up, before reporting ready.
     */
    public void warmUp(int rounds) {
        java.util.Random random = new java.util.Random(1);
        Tensor noise = new Tensor(480, 640, 3);
        for (int i = 0; i < noise.data.length; i++) {
            noise.data[i] = random.nextInt(256);
        }
        Tensor chip = RgbImage.crop(noise, 100, 100, 150, 150);
        for (int r = 0; r < rounds; r++) {
            detector.detect(noise, options.minConfidence());
            if (confirmer != null) {
                for (int size : options.tinyInputSizes()) {
                    confirmer.detect(noise, size, options.tinyMinScore());
                }
            }
            landmarkNet.landmarks(chip);
            recognitionNet.descriptor(chip);
        }
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

    /** SSD detections, confirmed by the tiny detector unless the options say otherwise. */
    public List<Detection> detect(Tensor rgb) {
        List<Detection> found = detector.detect(rgb, options.minConfidence());
        return options.confirm() ? confirm(rgb, found) : found;
    }

    /**
     * The detections of {@code found} the tiny detector confirms, trying its input sizes in order and stopping as
     * soon as none is left unconfirmed.
     */
    public List<Detection> confirm(Tensor rgb, List<Detection> found) {
        if (found.isEmpty()) {
            return found;
        }
        List<Detection> unconfirmed = new ArrayList<>(found);
        for (int size : options.tinyInputSizes()) {
            unconfirmed.removeAll(confirmed(unconfirmed, detectTiny(rgb, size)));
            if (unconfirmed.isEmpty()) {
                break;
            }
        }
        List<Detection> kept = new ArrayList<>(found);
        kept.removeAll(unconfirmed);
        return kept;
    }

    /** The detections of {@code found} that overlap one of {@code confirming} at IoU >= minOverlap. */
    public List<Detection> confirmed(List<Detection> found, List<Detection> confirming) {
        List<Detection> kept = new ArrayList<>();
        for (Detection d : found) {
            for (Detection c : confirming) {
                if (d.box().iou(c.box()) >= options.minOverlap()) {
                    kept.add(d);
                    break;
                }
            }
        }
        return kept;
    }

    /** SSD detections alone (face-api's detectAllFaces with SsdMobilenetv1Options). */
    public List<Detection> detectUnconfirmed(Tensor rgb) {
        return detector.detect(rgb, options.minConfidence());
    }

    /** The tiny detector's faces at one input size with the configured threshold (needs confirm enabled). */
    public List<Detection> detectTiny(Tensor rgb, int inputSize) {
        if (confirmer == null) {
            throw new IllegalStateException("tiny face detector not loaded (confirm is off)");
        }
        return confirmer.detect(rgb, inputSize, options.tinyMinScore());
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
