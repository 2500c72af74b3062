package imagepipelines.faces.model;

/**
 * A k x k depthwise convolution (channel multiplier 1) followed by a per-channel affine {@code y * scale + shift}
 * (a folded batch norm or bias) and an activation. Filters in TF layout {@code [k][k][channels][1]}. Immutable.
 */
public final class DepthwiseConv2d {
    private final int k;
    private final int channels;
    private final int stride;
    private final Padding padding;
    private final float[] filters;
    private final float[] scale;
    private final float[] shift;
    private final Activation activation;

    public DepthwiseConv2d(float[] filters, int[] shape, float[] scale, float[] shift, int stride, Padding padding,
                           Activation activation) {
        if (shape.length != 4 || shape[0] != shape[1] || shape[3] != 1) {
            throw new IllegalArgumentException("expected [k,k,c,1] depthwise filters, got "
                    + java.util.Arrays.toString(shape));
        }
        this.k = shape[0];
        this.channels = shape[2];
        this.filters = filters;
        this.scale = scale;
        this.shift = shift;
        this.stride = stride;
        this.padding = padding;
        this.activation = activation;
    }

    /** Batch norm {@code (x - mean) * gamma / sqrt(var + eps) + beta} folded into scale and shift. */
    public static DepthwiseConv2d withBatchNorm(float[] filters, int[] shape, float[] gamma, float[] beta,
                                                float[] mean, float[] variance, double epsilon, int stride,
                                                Padding padding, Activation activation) {
        int c = shape[2];
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int i = 0; i < c; i++) {
            double s = gamma[i] / Math.sqrt(variance[i] + epsilon);
            scale[i] = (float) s;
            shift[i] = (float) (beta[i] - mean[i] * s);
        }
        return new DepthwiseConv2d(filters, shape, scale, shift, stride, padding, activation);
    }

    public Tensor apply(Tensor x) {
        if (x.c != channels) {
            throw new IllegalArgumentException("input has " + x.c + " channels, depthwise conv expects " + channels);
        }
        if (Gemm.VECTORISED && k == 3 && channels % VectorKernels.L == 0 && activation != Activation.LEAKY) {
            int padT = padding.padBefore(x.h, k, stride);
            int padL = padding.padBefore(x.w, k, stride);
            Tensor y = new Tensor(padding.outSize(x.h, k, stride), padding.outSize(x.w, k, stride), channels);
            VectorKernels.depthwise3x3(x, filters, stride, padT, padL, scale, shift, activation.lo, activation.hi, y);
            return y;
        }
        return applyScalar(x);
    }

    /** The plain-Java path (package-private so tests can compare it with the vector one). */
    Tensor applyScalar(Tensor x) {
        int c = channels;
        int oh = padding.outSize(x.h, k, stride);
        int ow = padding.outSize(x.w, k, stride);
        int padT = padding.padBefore(x.h, k, stride);
        int padL = padding.padBefore(x.w, k, stride);
        Tensor y = new Tensor(oh, ow, c);
        float[] o = y.data;
        float[] src = x.data;
        float[] f = filters;
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int oOff = (oy * ow + ox) * c;
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
                        int iOff = (iy * x.w + ix) * c;
                        int fOff = (ky * k + kx) * c;
                        for (int j = 0; j < c; j++) {
                            o[oOff + j] += src[iOff + j] * f[fOff + j];
                        }
                    }
                }
                for (int j = 0; j < c; j++) {
                    o[oOff + j] = o[oOff + j] * scale[j] + shift[j];
                }
            }
        }
        activation.apply(o);
        return y;
    }

    /**
     * One output pixel at {@code oOff}, window top-left at input (iy0, ix0), taps outside the input skipped, then
     * {@code clamp(sum * scale + shift, lo, hi)}.
     */
    static void scalarPixel(Tensor x, float[] filters, int k, int iy0, int ix0, float[] scale, float[] shift,
                            float lo, float hi, float[] o, int oOff) {
        int c = x.c;
        for (int j = 0; j < c; j++) {
            o[oOff + j] = 0f;
        }
        for (int ky = 0; ky < k; ky++) {
            int iy = iy0 + ky;
            if (iy < 0 || iy >= x.h) {
                continue;
            }
            for (int kx = 0; kx < k; kx++) {
                int ix = ix0 + kx;
                if (ix < 0 || ix >= x.w) {
                    continue;
                }
                int iOff = (iy * x.w + ix) * c;
                int fOff = (ky * k + kx) * c;
                for (int j = 0; j < c; j++) {
                    o[oOff + j] += x.data[iOff + j] * filters[fOff + j];
                }
            }
        }
        for (int j = 0; j < c; j++) {
            o[oOff + j] = Math.min(Math.max(o[oOff + j] * scale[j] + shift[j], lo), hi);
        }
    }
}
