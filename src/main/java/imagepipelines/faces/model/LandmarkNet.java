package imagepipelines.faces.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * face-api's 68-point landmark net ({@code face_landmark_68_model}): four dense blocks of separable convolutions on a
 * 112x112 input, 7x7 average pool, fully connected 256 -> 136. Immutable and thread-safe.
 */
public final class LandmarkNet {
    public static final String MODEL_NAME = "face_landmark_68_model";
    public static final int INPUT_SIZE = 112;
    static final float[] MEAN_RGB = {122.782f, 117.001f, 104.298f};

    /** One dense block: conv0 (plain or separable, stride 2) and three separable convs with dense connections. */
    private record DenseBlock(Conv2d plain0, DepthwiseConv2d dw0, Conv2d pw0,
                              DepthwiseConv2d[] dw, Conv2d[] pw) {
        Tensor apply(Tensor x) {
            Tensor out1 = TensorOps.relu(plain0 != null ? plain0.apply(x) : pw0.apply(dw0.apply(x)));
            Tensor out2 = pw[0].apply(dw[0].apply(out1));
            Tensor sum = TensorOps.addInPlace(TensorOps.copy(out1), out2);           // out1 + out2
            Tensor out3 = pw[1].apply(dw[1].apply(TensorOps.relu(TensorOps.copy(sum))));
            TensorOps.addInPlace(sum, out3);                                         // out1 + out2 + out3
            Tensor out4 = pw[2].apply(dw[2].apply(TensorOps.relu(TensorOps.copy(sum))));
            return TensorOps.relu(TensorOps.addInPlace(sum, out4));                  // relu(out1 + ... + out4)
        }
    }

    private final DenseBlock[] blocks = new DenseBlock[4];
    private final float[] fcWeights;
    private final float[] fcBias;

    public LandmarkNet(Path modelDir) throws IOException {
        this(WeightFile.load(modelDir, MODEL_NAME));
    }

    public LandmarkNet(WeightFile wf) {
        for (int b = 0; b < 4; b++) {
            String p = "dense" + b;
            Conv2d plain0 = null;
            DepthwiseConv2d dw0 = null;
            Conv2d pw0 = null;
            if (b == 0) {
                WeightFile.Weight f = wf.get(p + "/conv0/filters");
                plain0 = new Conv2d(f.data(), f.shape(), wf.data(p + "/conv0/bias"), 2, Padding.SAME, Activation.NONE);
            } else {
                dw0 = depthwise(wf, p + "/conv0", 2);
                pw0 = pointwise(wf, p + "/conv0");
            }
            DepthwiseConv2d[] dw = new DepthwiseConv2d[3];
            Conv2d[] pw = new Conv2d[3];
            for (int i = 1; i <= 3; i++) {
                dw[i - 1] = depthwise(wf, p + "/conv" + i, 1);
                pw[i - 1] = pointwise(wf, p + "/conv" + i);
            }
            blocks[b] = new DenseBlock(plain0, dw0, pw0, dw, pw);
        }
        fcWeights = wf.data("fc/weights", 256, 136);
        fcBias = wf.data("fc/bias", 136);
    }

    private static DepthwiseConv2d depthwise(WeightFile wf, String prefix, int stride) {
        WeightFile.Weight f = wf.get(prefix + "/depthwise_filter");
        int c = f.shape()[2];
        float[] ones = new float[c];
        java.util.Arrays.fill(ones, 1f);
        return new DepthwiseConv2d(f.data(), f.shape(), ones, new float[c], stride, Padding.SAME, Activation.NONE);
    }

    private static Conv2d pointwise(WeightFile wf, String prefix) {
        WeightFile.Weight f = wf.get(prefix + "/pointwise_filter");
        return new Conv2d(f.data(), f.shape(), wf.data(prefix + "/bias"), 1, Padding.SAME, Activation.NONE);
    }

    /**
     * The 68 landmarks of a face crop (RGB 0..255), as x0, y0, x1, y1, ... in the crop's pixel coordinates.
     */
    public float[] landmarks(Tensor faceCrop) {
        Tensor x = TensorOps.subtractMeanDiv255(
                TensorOps.toSquareInput(faceCrop, INPUT_SIZE, true), MEAN_RGB);
        for (DenseBlock block : blocks) {
            x = block.apply(x);
        }
        x = TensorOps.avgPool(x, 7, 2);
        float[] out = TensorOps.fullyConnected(x.data, fcWeights, fcBias, 136);

        // face-api's postProcess: undo the centred padding, relative to the crop, then to crop pixels
        double width = faceCrop.w * (double) INPUT_SIZE / Math.max(faceCrop.h, faceCrop.w);
        double height = faceCrop.h * (double) INPUT_SIZE / Math.max(faceCrop.h, faceCrop.w);
        float padX = width < height ? (float) (Math.abs(width - height) / 2) : 0f;
        float padY = height < width ? (float) (Math.abs(width - height) / 2) : 0f;
        float[] points = new float[136];
        for (int i = 0; i < 68; i++) {
            float rx = (out[2 * i] * INPUT_SIZE - padX) / (float) width;
            float ry = (out[2 * i + 1] * INPUT_SIZE - padY) / (float) height;
            points[2 * i] = (float) ((double) rx * faceCrop.w);
            points[2 * i + 1] = (float) ((double) ry * faceCrop.h);
        }
        return points;
    }
}
