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
        if (k == 1 && stride == 1) {
            Gemm.multiply(x.data, oh * ow, weights, activation.lo, activation.hi, y.data);
        } else {
            // im2col in bands of output rows small enough to stay in cache while the product reads them
            int rowLen = k * k * in;
            int band = Math.max(1, Math.min(oh, BAND_FLOATS / Math.max(1, ow * rowLen)));
            float[] patches = new float[band * ow * rowLen];
            for (int oy0 = 0; oy0 < oh; oy0 += band) {
                int rows = Math.min(band, oh - oy0);
                im2col(x, oy0, rows, ow, patches);
                Gemm.multiply(patches, rows * ow, weights, activation.lo, activation.hi, y.data, oy0 * ow * out);
            }
        }
        if (activation == Activation.LEAKY) {
            activation.apply(y.data);
        }
        return y;
    }

    /** Floats of im2col rows per band (256 KB). */
    private static final int BAND_FLOATS = 64 * 1024;

    /**
     * For output rows oy0 .. oy0+rows-1: one row of k*k*in values per output pixel into {@code m}, zeros where the
     * window leaves the input.
     */
    private void im2col(Tensor x, int oy0, int rows, int ow, float[] m) {
        int padT = padding.padBefore(x.h, k, stride);
        int padL = padding.padBefore(x.w, k, stride);
        int rowLen = k * k * in;
        java.util.Arrays.fill(m, 0, rows * ow * rowLen, 0f);
        for (int oy = oy0; oy < oy0 + rows; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int base = ((oy - oy0) * ow + ox) * rowLen;
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
    }
}
