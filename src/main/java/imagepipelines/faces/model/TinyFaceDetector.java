package imagepipelines.faces.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * face-api's tiny face detector ({@code tiny_face_detector_model}, a Tiny-YOLOv2 with separable convolutions): the
 * image zero-padded to a square at the bottom/right and resized to {@code inputSize} (a multiple of 32), 13x13-style
 * grid with 5 anchors, non-maximum suppression at IoU 0.4. Less accurate than {@link SsdMobilenetDetector} but does
 * not fire on animal faces the way SSD does, so {@link FaceAnalyzer} uses it to confirm SSD's detections.
 * Immutable and thread-safe.
 */
public final class TinyFaceDetector {
    public static final String MODEL_NAME = "tiny_face_detector_model";
    private static final float[] MEAN_RGB = {117.001f, 114.697f, 97.404f};
    private static final double[][] ANCHORS = {
        {1.603231, 2.094468}, {6.041143, 7.080126}, {2.882459, 3.518061}, {4.266906, 5.178857}, {9.041765, 10.66308}};
    private static final double IOU_THRESHOLD = 0.4;

    private final Conv2d conv0;
    private final DepthwiseConv2d[] depthwise = new DepthwiseConv2d[6];
    private final Conv2d[] pointwise = new Conv2d[6];
    private final Conv2d conv8;

    public TinyFaceDetector(Path modelDir) throws IOException {
        this(WeightFile.load(modelDir, MODEL_NAME));
    }

    public TinyFaceDetector(WeightFile wf) {
        WeightFile.Weight f0 = wf.get("conv0/filters");
        conv0 = new Conv2d(f0.data(), f0.shape(), wf.data("conv0/bias"), 1, Padding.VALID, Activation.LEAKY);
        for (int i = 1; i <= 5; i++) {
            WeightFile.Weight dw = wf.get("conv" + i + "/depthwise_filter");
            int c = dw.shape()[2];
            float[] ones = new float[c];
            java.util.Arrays.fill(ones, 1f);
            depthwise[i] = new DepthwiseConv2d(dw.data(), dw.shape(), ones, new float[c], 1, Padding.SAME,
                    Activation.NONE);
            WeightFile.Weight pw = wf.get("conv" + i + "/pointwise_filter");
            pointwise[i] = new Conv2d(pw.data(), pw.shape(), wf.data("conv" + i + "/bias"), 1, Padding.SAME,
                    Activation.LEAKY);
        }
        WeightFile.Weight f8 = wf.get("conv8/filters");
        conv8 = new Conv2d(f8.data(), f8.shape(), wf.data("conv8/bias"), 1, Padding.VALID, Activation.NONE);
    }

    /** Faces in an RGB tensor (0..255) with score above {@code minScore}, best first. */
    public List<Detection> detect(Tensor rgb, int inputSize, double minScore) {
        if (inputSize % 32 != 0) {
            throw new IllegalArgumentException("inputSize must be a multiple of 32: " + inputSize);
        }
        Tensor x = TensorOps.toSquareInput(rgb, inputSize, false);
        TensorOps.subtractMeanDiv255(x, MEAN_RGB);
        x = TensorOps.maxPool(conv0.apply(x), 2, 2, Padding.SAME);
        for (int i = 1; i <= 5; i++) {
            x = pointwise[i].apply(depthwise[i].apply(x));
            x = TensorOps.maxPool(x, 2, i < 5 ? 2 : 1, Padding.SAME);
        }
        Tensor out = conv8.apply(x);

        int cells = out.h;
        double scale = (double) inputSize / Math.max(rgb.h, rgb.w);
        double rw = Math.round(rgb.w * scale);
        double rh = Math.round(rgb.h * scale);
        double corrX = Math.max(rw, rh) / rw;
        double corrY = Math.max(rw, rh) / rh;
        List<double[]> boxes = new ArrayList<>();  // x0, y0, x1, y1 relative; score
        for (int row = 0; row < cells; row++) {
            for (int col = 0; col < cells; col++) {
                for (int a = 0; a < ANCHORS.length; a++) {
                    int o = (row * cells + col) * out.c + a * 5;
                    double score = sigmoid(out.data[o + 4]);
                    if (score <= minScore) {
                        continue;
                    }
                    double cx = (col + sigmoid(out.data[o])) / cells * corrX;
                    double cy = (row + sigmoid(out.data[o + 1])) / cells * corrY;
                    double w = Math.exp(out.data[o + 2]) * ANCHORS[a][0] / cells * corrX;
                    double h = Math.exp(out.data[o + 3]) * ANCHORS[a][1] / cells * corrY;
                    double x0 = cx - w / 2;
                    double y0 = cy - h / 2;
                    boxes.add(new double[] {x0, y0, x0 + w, y0 + h, score});
                }
            }
        }
        boxes.sort((p, q) -> Double.compare(q[4], p[4]));
        List<Detection> result = new ArrayList<>();
        List<double[]> kept = new ArrayList<>();
        for (double[] b : boxes) {
            boolean keep = true;
            for (double[] k : kept) {
                if (iou(b, k) > IOU_THRESHOLD) {
                    keep = false;
                    break;
                }
            }
            if (keep) {
                kept.add(b);
                result.add(new Detection(b[4], new FaceBox(b[0] * rgb.w, b[1] * rgb.h,
                        (b[2] - b[0]) * rgb.w, (b[3] - b[1]) * rgb.h)));
            }
        }
        return result;
    }

    private static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    private static double iou(double[] a, double[] b) {
        double w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double inter = w * h;
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
    }
}
