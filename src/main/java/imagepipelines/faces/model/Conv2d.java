package imagepipelines.faces.model;

/**
 * A k x k convolution with a per-output-channel bias and a fused activation, computed as one matrix product
 * ({@link Gemm}) over the input patches (im2col; 1x1 stride-1 convolutions use the input as it is). Filters in TF's
 * HWIO layout ({@code [k][k][in][out]}). Immutable, so it may be shared between threads.
 */
public final class Conv2d {
    private final int k;
    private final int in;
    private final int out;
    private final int stride;
    private final Padding padding;
    private final PackedWeights weights;
    private final Activation activation;

    public Conv2d(float[] filters, int[] shape, float[] bias, int stride, Padding padding, Activation activation) {
        if (shape.length != 4 || shape[0] != shape[1]) {
            throw new IllegalArgumentException("expected square HWIO filters, got " + java.util.Arrays.toString(shape));
        }
        this.k = shape[0];
        this.in = shape[2];
        this.out = shape[3];
        if (bias != null && bias.length != out) {
            throw new IllegalArgumentException("bias length " + bias.length + " != " + out);
        }
        this.weights = new PackedWeights(filters, k * k * in, out, bias);
        this.stride = stride;
        this.padding = padding;
        this.activation = activation;
    }

    /**
     * Folds a following per-channel affine {@code y * scale + shift} into the filters and bias (the recognition net's
     * "scale" layers).
     */
    public static Conv2d withAffine(float[] filters, int[] shape, float[] bias, float[] scale, float[] shift,
                                    int stride, Padding padding, Activation activation) {
        int out = shape[3];
        float[] f = filters.clone();
        for (int i = 0; i < f.length; i++) {
            f[i] *= scale[i % out];
        }
        float[] b = new float[out];
        for (int o = 0; o < out; o++) {
            b[o] = (bias == null ? 0f : bias[o]) * scale[o] + shift[o];
        }
        return new Conv2d(f, shape, b, stride, padding, activation);
    }

    public int outChannels() {
        return out;
    }

    public Tensor apply(Tensor x) {
        if (x.c != in) {
            throw new IllegalArgumentException("input has " + x.c + " channels, conv expects " + in);
        }
        int oh = padding.outSize(x.h, k, stride);
        int ow = padding.outSize(x.w, k, stride);
        Tensor y = new Tensor(oh, ow, out);
        float[] patches = (k == 1 && stride == 1) ? x.data : im2col(x, oh, ow);
        Gemm.multiply(patches, oh * ow, weights, activation.lo, activation.hi, y.data);
        if (activation == Activation.LEAKY) {
            activation.apply(y.data);
        }
        return y;
    }

    /** One row of k*k*in values per output pixel, zeros where the window leaves the input. */
    private float[] im2col(Tensor x, int oh, int ow) {
        int padT = padding.padBefore(x.h, k, stride);
        int padL = padding.padBefore(x.w, k, stride);
        int rowLen = k * k * in;
        float[] m = new float[oh * ow * rowLen];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int base = (oy * ow + ox) * rowLen;
                for (int ky = 0; ky < k; ky++) {
                    int iy = oy * stride - padT + ky;
                    if (iy < 0 || iy >= x.h) {
                        continue;
                    }
                    int ix0 = ox * stride - padL;
                    int kx0 = Math.max(0, -ix0);
                    int kx1 = Math.min(k, x.w - ix0);
                    if (kx1 <= kx0) {
                        continue;
                    }
                    // the window's row is contiguous in the input: copy kx0..kx1 in one go
                    System.arraycopy(x.data, (iy * x.w + ix0 + kx0) * in, m, base + (ky * k + kx0) * in,
                            (kx1 - kx0) * in);
                }
            }
        }
        return m;
    }
}
