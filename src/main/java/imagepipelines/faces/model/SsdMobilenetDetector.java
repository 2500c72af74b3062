package imagepipelines.faces.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * face-api's SSD MobileNet v1 face detector ({@code ssd_mobilenetv1_model}): the image is zero-padded to a square at
 * the bottom/right, resized to 512x512, run through MobileNet v1 (depth multiplier 1) and six SSD box predictors over
 * 5118 anchors; boxes with sigmoid score above {@code minConfidence} go through face-api's non-maximum suppression
 * (IoU 0.5). Immutable and thread-safe.
 */
public final class SsdMobilenetDetector {
    public static final String MODEL_NAME = "ssd_mobilenetv1_model";
    public static final int INPUT_SIZE = 512;
    private static final double BN_EPSILON = 0.0010000000474974513;
    private static final double IOU_THRESHOLD = 0.5;
    private static final int MAX_RESULTS = 100;

    private final Conv2d conv0;
    private final DepthwiseConv2d[] depthwise = new DepthwiseConv2d[14];
    private final Conv2d[] pointwise = new Conv2d[14];
    private final Conv2d[] extra = new Conv2d[8];
    private final Conv2d[] boxEncoders = new Conv2d[6];
    private final Conv2d[] classifiers = new Conv2d[6];
    private final float[] anchors;
    private final int anchorCount;

    public SsdMobilenetDetector(Path modelDir) throws IOException {
        this(WeightFile.load(modelDir, MODEL_NAME));
    }

    public SsdMobilenetDetector(WeightFile wf) {
        conv0 = pointwiseLayer(wf, "MobilenetV1/Conv2d_0_pointwise", 2);
        for (int i = 1; i <= 13; i++) {
            String p = "MobilenetV1/Conv2d_" + i + "_depthwise";
            WeightFile.Weight f = wf.get(p + "/depthwise_weights");
            int stride = (i == 2 || i == 4 || i == 6 || i == 12) ? 2 : 1;
            depthwise[i] = DepthwiseConv2d.withBatchNorm(f.data(), f.shape(),
                    wf.data(p + "/BatchNorm/gamma"), wf.data(p + "/BatchNorm/beta"),
                    wf.data(p + "/BatchNorm/moving_mean"), wf.data(p + "/BatchNorm/moving_variance"),
                    BN_EPSILON, stride, Padding.SAME, Activation.RELU6);
            pointwise[i] = pointwiseLayer(wf, "MobilenetV1/Conv2d_" + i + "_pointwise", 1);
        }
        for (int i = 0; i < 8; i++) {
            extra[i] = pointwiseLayer(wf, "Prediction/Conv2d_" + i + "_pointwise", i % 2 == 1 ? 2 : 1);
        }
        for (int i = 0; i < 6; i++) {
            String p = "Prediction/BoxPredictor_" + i;
            boxEncoders[i] = plainConv(wf, p + "/BoxEncodingPredictor");
            classifiers[i] = plainConv(wf, p + "/ClassPredictor");
        }
        WeightFile.Weight a = wf.get("Output/extra_dim");
        anchors = a.data();
        anchorCount = a.shape()[1];
    }

    private static Conv2d pointwiseLayer(WeightFile wf, String prefix, int stride) {
        WeightFile.Weight f = wf.get(prefix + "/weights");
        return new Conv2d(f.data(), f.shape(), wf.data(prefix + "/convolution_bn_offset"), stride, Padding.SAME,
                Activation.RELU6);
    }

    private static Conv2d plainConv(WeightFile wf, String prefix) {
        WeightFile.Weight f = wf.get(prefix + "/weights");
        return new Conv2d(f.data(), f.shape(), wf.data(prefix + "/biases"), 1, Padding.SAME, Activation.NONE);
    }

    /** Faces in an RGB image tensor (values 0..255), best first. */
    public List<Detection> detect(Tensor rgb, double minConfidence) {
        Tensor x = TensorOps.scaleToMinusOneOne(TensorOps.toSquareInput(rgb, INPUT_SIZE, false));
        x = conv0.apply(x);
        Tensor conv11 = null;
        for (int i = 1; i <= 13; i++) {
            x = pointwise[i].apply(depthwise[i].apply(x));
            if (i == 11) {
                conv11 = x;
            }
        }
        Tensor c0 = extra[0].apply(x);
        Tensor c1 = extra[1].apply(c0);
        Tensor c3 = extra[3].apply(extra[2].apply(c1));
        Tensor c5 = extra[5].apply(extra[4].apply(c3));
        Tensor c7 = extra[7].apply(extra[6].apply(c5));
        Tensor[] maps = {conv11, x, c1, c3, c5, c7};

        float[] scores = new float[anchorCount];
        float[] encodings = new float[anchorCount * 4];
        int base = 0;
        for (int i = 0; i < 6; i++) {
            float[] cls = classifiers[i].apply(maps[i]).data;  // [h][w][anchors][3]
            float[] box = boxEncoders[i].apply(maps[i]).data;  // [h][w][anchors][4]
            int n = cls.length / 3;
            for (int j = 0; j < n; j++) {
                scores[base + j] = (float) (1.0 / (1.0 + Math.exp(-cls[j * 3 + 1])));
            }
            System.arraycopy(box, 0, encodings, base * 4, n * 4);
            base += n;
        }
        if (base != anchorCount) {
            throw new IllegalStateException("predicted " + base + " boxes for " + anchorCount + " anchors");
        }

        List<Integer> kept = nonMaxSuppression(scores, encodings, minConfidence);
        double scale = (double) INPUT_SIZE / Math.max(rgb.h, rgb.w);
        double padX = INPUT_SIZE / (double) Math.round(rgb.w * scale);
        double padY = INPUT_SIZE / (double) Math.round(rgb.h * scale);
        List<Detection> out = new ArrayList<>(kept.size());
        for (int idx : kept) {
            double[] b = decode(encodings, idx);
            double top = Math.max(0, b[0]) * padY;
            double bottom = Math.min(1.0, b[2]) * padY;
            double left = Math.max(0, b[1]) * padX;
            double right = Math.min(1.0, b[3]) * padX;
            out.add(new Detection(scores[idx], new FaceBox(left * rgb.w, top * rgb.h,
                    (right - left) * rgb.w, (bottom - top) * rgb.h)));
        }
        return out;
    }

    /** Box {@code idx} as [ymin, xmin, ymax, xmax] relative to the 512x512 square (float32 like TF.js). */
    private double[] decode(float[] enc, int idx) {
        float ay0 = anchors[idx * 4], ax0 = anchors[idx * 4 + 1];
        float ay1 = anchors[idx * 4 + 2], ax1 = anchors[idx * 4 + 3];
        float h = ay1 - ay0;
        float w = ax1 - ax0;
        float cy = ay0 + h / 2f;
        float cx = ax0 + w / 2f;
        float ty = enc[idx * 4], tx = enc[idx * 4 + 1], th = enc[idx * 4 + 2], tw = enc[idx * 4 + 3];
        float halfH = (float) Math.exp(th / 5f) * h / 2f;
        float centreY = ty / 10f * h + cy;
        float halfW = (float) Math.exp(tw / 5f) * w / 2f;
        float centreX = tx / 10f * w + cx;
        return new double[] {centreY - halfH, centreX - halfW, centreY + halfH, centreX + halfW};
    }

    /** face-api's greedy NMS: candidates above the threshold by falling score, dropped at IoU above 0.5. */
    private List<Integer> nonMaxSuppression(float[] scores, float[] enc, double threshold) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] > threshold) {
                candidates.add(i);
            }
        }
        candidates.sort((a, b) -> Float.compare(scores[b], scores[a]));
        List<Integer> selected = new ArrayList<>();
        List<double[]> selectedBoxes = new ArrayList<>();
        int maxOut = Math.min(MAX_RESULTS, scores.length);
        for (int c : candidates) {
            if (selected.size() >= maxOut) {
                break;
            }
            double[] box = decode(enc, c);
            boolean keep = true;
            for (int j = selected.size() - 1; j >= 0; j--) {
                double iou = iou(box, selectedBoxes.get(j));
                if (iou == 0.0) {
                    continue;
                }
                if (iou > IOU_THRESHOLD) {
                    keep = false;
                    break;
                }
            }
            if (keep) {
                selected.add(c);
                selectedBoxes.add(box);
            }
        }
        return selected;
    }

    private static double iou(double[] a, double[] b) {
        double ay0 = Math.min(a[0], a[2]), ax0 = Math.min(a[1], a[3]);
        double ay1 = Math.max(a[0], a[2]), ax1 = Math.max(a[1], a[3]);
        double by0 = Math.min(b[0], b[2]), bx0 = Math.min(b[1], b[3]);
        double by1 = Math.max(b[0], b[2]), bx1 = Math.max(b[1], b[3]);
        double areaA = (ay1 - ay0) * (ax1 - ax0);
        double areaB = (by1 - by0) * (bx1 - bx0);
        if (areaA <= 0 || areaB <= 0) {
            return 0.0;
        }
        double ih = Math.max(Math.min(ay1, by1) - Math.max(ay0, by0), 0.0);
        double iw = Math.max(Math.min(ax1, bx1) - Math.max(ax0, bx0), 0.0);
        double inter = ih * iw;
        return inter / (areaA + areaB - inter);
    }
}
