package imagepipelines.faces.model;

/**
 * A k x k convolution with a per-output-channel bias and a fused activation. Filters in TF's HWIO layout
 * ({@code [k][k][in][out]}), so the innermost loop runs over contiguous output channels (vectorised by the JIT).
 * Immutable, so it may be shared between threads.
 */
public final class Conv2d {
    /** Weight tile (k*k*block*out floats) kept at or below this many bytes so it stays in L2 across pixels. */
    private static final int WEIGHT_TILE_BYTES = 192 * 1024;

    private final int k;
    private final int in;
    private final int out;
    private final int stride;
    private final Padding padding;
    private final float[] filters;
    private final float[] bias;
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
        this.filters = filters;
        this.bias = bias;
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
        int padT = padding.padBefore(x.h, k, stride);
        int padL = padding.padBefore(x.w, k, stride);
        Tensor y = new Tensor(oh, ow, out);
        float[] o = y.data;
        if (bias != null) {
            for (int p = 0; p < oh * ow; p++) {
                System.arraycopy(bias, 0, o, p * out, out);
            }
        }
        float[] src = x.data;
        int block = Math.max(1, Math.min(in, WEIGHT_TILE_BYTES / (4 * k * k * out)));
        int[] idx = new int[block];
        float[] val = new float[block];
        for (int c0 = 0; c0 < in; c0 += block) {
            int c1 = Math.min(in, c0 + block);
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int oOff = (oy * ow + ox) * out;
                    for (int ky = 0; ky < k; ky++) {
                        int iy = oy * stride - padT + ky;
                        if (iy < 0 || iy >= x.h) {
                            continue;
                        }
                        for (int kx = 0; kx < k; kx++) {
                            int ix = ox * stride - padL + kx;
                            if (ix < 0 || ix >= x.w) {
                                continue;
                            }
                            int iOff = (iy * x.w + ix) * in;
                            int wBase = (ky * k + kx) * in * out;
                            // gather the non-zero inputs (ReLU outputs are sparse), then 4 input channels per pass
                            int n = 0;
                            for (int c = c0; c < c1; c++) {
                                float v = src[iOff + c];
                                if (v != 0f) {
                                    idx[n] = wBase + c * out;
                                    val[n++] = v;
                                }
                            }
                            accumulate(o, oOff, filters, idx, val, n, out);
                        }
                    }
                }
            }
        }
        activation.apply(o);
        return y;
    }

    /** {@code o[oOff + j] += sum_i val[i] * w[idx[i] + j]} for j below {@code len}. */
    static void accumulate(float[] o, int oOff, float[] w, int[] idx, float[] val, int n, int len) {
        int i = 0;
        for (; i + 3 < n; i += 4) {
            float v0 = val[i], v1 = val[i + 1], v2 = val[i + 2], v3 = val[i + 3];
            int w0 = idx[i], w1 = idx[i + 1], w2 = idx[i + 2], w3 = idx[i + 3];
            for (int j = 0; j < len; j++) {
                o[oOff + j] += v0 * w[w0 + j] + v1 * w[w1 + j] + v2 * w[w2 + j] + v3 * w[w3 + j];
            }
        }
        for (; i < n; i++) {
            float v = val[i];
            int w0 = idx[i];
            for (int j = 0; j < len; j++) {
                o[oOff + j] += v * w[w0 + j];
            }
        }
    }
}
