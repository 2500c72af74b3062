package imagepipelines.faces.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * face-api's port of dlib's face recognition ResNet ({@code face_recognition_model}, the 29-layer ResNet behind
 * dlib_face_recognition_resnet_model_v1): 150x150 RGB input, 128-d descriptor. Immutable and thread-safe.
 */
public final class FaceRecognitionNet {
    public static final String MODEL_NAME = "face_recognition_model";
    public static final int INPUT_SIZE = 150;
    public static final int DESCRIPTOR_SIZE = 128;

    /** conv -> conv (+ shortcut), the shortcut average-pooled and zero-padded when the block downsamples. */
    private record Residual(Conv2d conv1, Conv2d conv2, boolean down) {
        Tensor apply(Tensor x) {
            Tensor out = conv2.apply(conv1.apply(x));
            if (!down) {
                return TensorOps.relu(TensorOps.addInPlace(out, x));
            }
            Tensor pooled = TensorOps.avgPool(x, 2, 2);
            Tensor sum = new Tensor(pooled.h, pooled.w, out.c);
            // out may be one row/column smaller than the pooled shortcut: face-api pads it with zeros at the end
            for (int y = 0; y < sum.h; y++) {
                for (int xx = 0; xx < sum.w; xx++) {
                    int s = (y * sum.w + xx) * sum.c;
                    if (y < out.h && xx < out.w) {
                        System.arraycopy(out.data, (y * out.w + xx) * out.c, sum.data, s, out.c);
                    }
                    int p = (y * pooled.w + xx) * pooled.c;
                    for (int ch = 0; ch < pooled.c; ch++) {
                        sum.data[s + ch] += pooled.data[p + ch];
                    }
                }
            }
            return TensorOps.relu(sum);
        }
    }

    private final Conv2d convDown;
    private final Residual[] residuals;
    private final float[] fc;

    public FaceRecognitionNet(Path modelDir) throws IOException {
        this(WeightFile.load(modelDir, MODEL_NAME));
    }

    public FaceRecognitionNet(WeightFile wf) {
        convDown = convLayer(wf, "conv32_down", 2, Padding.VALID, Activation.RELU);
        String[] names = {"conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1", "conv64_2", "conv64_3",
            "conv128_down", "conv128_1", "conv128_2", "conv256_down", "conv256_1", "conv256_2", "conv256_down_out"};
        residuals = new Residual[names.length];
        for (int i = 0; i < names.length; i++) {
            boolean down = names[i].contains("down");
            Conv2d c1 = down
                    ? convLayer(wf, names[i] + "/conv1", 2, Padding.VALID, Activation.RELU)
                    : convLayer(wf, names[i] + "/conv1", 1, Padding.SAME, Activation.RELU);
            Conv2d c2 = convLayer(wf, names[i] + "/conv2", 1, Padding.SAME, Activation.NONE);
            residuals[i] = new Residual(c1, c2, down);
        }
        fc = wf.data("fc", 256, DESCRIPTOR_SIZE);
    }

    private static Conv2d convLayer(WeightFile wf, String prefix, int stride, Padding padding, Activation act) {
        WeightFile.Weight f = wf.get(prefix + "/conv/filters");
        return Conv2d.withAffine(f.data(), f.shape(), wf.data(prefix + "/conv/bias"),
                wf.data(prefix + "/scale/weights"), wf.data(prefix + "/scale/biases"), stride, padding, act);
    }

    /** The descriptor of an aligned face crop (RGB 0..255, any size: padded to square and resized to 150x150). */
    public float[] descriptor(Tensor faceCrop) {
        Tensor x = TensorOps.subtractMeanDiv255(
                TensorOps.toSquareInput(faceCrop, INPUT_SIZE, true), LandmarkNet.MEAN_RGB);
        x = TensorOps.maxPool(convDown.apply(x), 3, 2);
        for (Residual r : residuals) {
            x = r.apply(x);
        }
        return TensorOps.fullyConnected(TensorOps.spatialMean(x), fc, null, DESCRIPTOR_SIZE);
    }
}
