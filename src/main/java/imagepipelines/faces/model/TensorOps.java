package imagepipelines.faces.model;

/**
 * Element-wise, pooling and resampling kernels, written to give the same numbers as the TF.js CPU backend for the
 * operations face-api uses (resizeBilinear without align-corners or half-pixel centres, zero padding to square, ...).
 */
public final class TensorOps {
    private TensorOps() {
    }

    /** tf.image.resizeBilinear(x, [outH, outW], alignCorners=false, halfPixelCenters=false). */
    public static Tensor resizeBilinear(Tensor x, int outH, int outW) {
        if (x.h == outH && x.w == outW) {
            return x;
        }
        int c = x.c;
        Tensor y = new Tensor(outH, outW, c);
        float[] src = x.data;
        float[] dst = y.data;
        double rowRatio = (double) x.h / outH;
        double colRatio = (double) x.w / outW;
        int[] colLo = new int[outW];
        int[] colHi = new int[outW];
        double[] colFrac = new double[outW];
        for (int ox = 0; ox < outW; ox++) {
            double fx = colRatio * ox;
            int lo = Math.max(0, (int) Math.floor(fx));
            colLo[ox] = lo * c;
            colHi[ox] = Math.min(x.w - 1, (int) Math.ceil(fx)) * c;
            colFrac[ox] = fx - lo;
        }
        int di = 0;
        for (int oy = 0; oy < outH; oy++) {
            double fy = rowRatio * oy;
            int top = Math.max(0, (int) Math.floor(fy));
            double rowFrac = fy - top;
            int bottom = Math.min(x.h - 1, (int) Math.ceil(fy));
            int topOff = top * x.w * c;
            int botOff = bottom * x.w * c;
            for (int ox = 0; ox < outW; ox++) {
                double cf = colFrac[ox];
                int l = colLo[ox];
                int r = colHi[ox];
                for (int ch = 0; ch < c; ch++) {
                    double tl = src[topOff + l + ch];
                    double tr = src[topOff + r + ch];
                    double bl = src[botOff + l + ch];
                    double br = src[botOff + r + ch];
                    double t = tl + (tr - tl) * cf;
                    double b = bl + (br - bl) * cf;
                    dst[di++] = (float) (t + (b - t) * rowFrac);
                }
            }
        }
        return y;
    }

    /**
     * face-api's padToSquare: zero-pads the shorter side. Not centred: all padding after the image (bottom or right).
     * Centred: {@code round(diff / 2)} after and the rest before.
     */
    public static Tensor padToSquare(Tensor x, boolean centre) {
        if (x.h == x.w) {
            return x;
        }
        int diff = Math.abs(x.h - x.w);
        int after = (int) Math.round(diff * (centre ? 0.5 : 1.0));
        int before = centre ? diff - after : 0;
        int size = Math.max(x.h, x.w);
        Tensor y = new Tensor(size, size, x.c);
        int offY = x.h < x.w ? before : 0;
        int offX = x.w < x.h ? before : 0;
        int rowLen = x.w * x.c;
        for (int yy = 0; yy < x.h; yy++) {
            System.arraycopy(x.data, yy * rowLen, y.data, ((yy + offY) * size + offX) * x.c, rowLen);
        }
        return y;
    }

    /**
     * face-api's toBatchTensor(inputSize, centre) for one image: pad to square, then resize if needed. Done in one
     * pass (the padded square is never built); same values as {@code resizeBilinear(padToSquare(image, centre))}.
     * Always returns a new tensor.
     */
    public static Tensor toSquareInput(Tensor image, int inputSize, boolean centre) {
        int size = Math.max(image.h, image.w);
        if (size == inputSize) {
            Tensor padded = padToSquare(image, centre);
            return padded == image ? copy(image) : padded;
        }
        int diff = Math.abs(image.h - image.w);
        int before = centre ? diff - (int) Math.round(diff * 0.5) : 0;
        int offY = image.h < image.w ? before : 0;
        int offX = image.w < image.h ? before : 0;
        int c = image.c;
        Tensor y = new Tensor(inputSize, inputSize, c);
        float[] src = image.data;
        float[] dst = y.data;
        double ratio = (double) size / inputSize;
        // per output column: source columns in image coordinates (-1 = padding) and the fraction
        int[] colL = new int[inputSize];
        int[] colR = new int[inputSize];
        double[] colF = new double[inputSize];
        for (int ox = 0; ox < inputSize; ox++) {
            double fx = ratio * ox;
            int lo = Math.max(0, (int) Math.floor(fx));
            int hi = Math.min(size - 1, (int) Math.ceil(fx));
            colL[ox] = inside(lo - offX, image.w);
            colR[ox] = inside(hi - offX, image.w);
            colF[ox] = fx - lo;
        }
        int di = 0;
        for (int oy = 0; oy < inputSize; oy++) {
            double fy = ratio * oy;
            int top = Math.max(0, (int) Math.floor(fy));
            int bottom = Math.min(size - 1, (int) Math.ceil(fy));
            double rowF = fy - top;
            int tr = inside(top - offY, image.h);
            int br = inside(bottom - offY, image.h);
            for (int ox = 0; ox < inputSize; ox++) {
                int l = colL[ox];
                int r = colR[ox];
                double cf = colF[ox];
                for (int ch = 0; ch < c; ch++) {
                    double tl = pixel(src, image.w, c, tr, l, ch);
                    double trv = pixel(src, image.w, c, tr, r, ch);
                    double bl = pixel(src, image.w, c, br, l, ch);
                    double brv = pixel(src, image.w, c, br, r, ch);
                    double t = tl + (trv - tl) * cf;
                    double b = bl + (brv - bl) * cf;
                    dst[di++] = (float) (t + (b - t) * rowF);
                }
            }
        }
        return y;
    }

    private static int inside(int v, int limit) {
        return v >= 0 && v < limit ? v : -1;
    }

    private static float pixel(float[] src, int w, int c, int row, int col, int ch) {
        return row < 0 || col < 0 ? 0f : src[(row * w + col) * c + ch];
    }

    /** In place: {@code (x - mean[ch]) / 255}, the normalisation of the landmark and recognition nets. */
    public static Tensor subtractMeanDiv255(Tensor x, float[] meanRgb) {
        float[] d = x.data;
        for (int i = 0; i < d.length; i += 3) {
            d[i] = (d[i] - meanRgb[0]) / 255f;
            d[i + 1] = (d[i + 1] - meanRgb[1]) / 255f;
            d[i + 2] = (d[i + 2] - meanRgb[2]) / 255f;
        }
        return x;
    }

    /** In place: {@code x / 127.5 - 1}, the SSD detector's normalisation. */
    public static Tensor scaleToMinusOneOne(Tensor x) {
        float[] d = x.data;
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] / 127.5f - 1f;
        }
        return x;
    }

    /** A copy, so in-place normalisation does not touch the caller's tensor. */
    public static Tensor copy(Tensor x) {
        return new Tensor(x.h, x.w, x.c, x.data.clone());
    }

    /** Max pooling, VALID padding. */
    public static Tensor maxPool(Tensor x, int k, int stride) {
        return maxPool(x, k, stride, Padding.VALID);
    }

    /** Max pooling; with SAME padding the window ignores positions outside the input, as in TF. */
    public static Tensor maxPool(Tensor x, int k, int stride, Padding padding) {
        int oh = padding.outSize(x.h, k, stride);
        int ow = padding.outSize(x.w, k, stride);
        int padT = padding.padBefore(x.h, k, stride);
        int padL = padding.padBefore(x.w, k, stride);
        int c = x.c;
        Tensor y = new Tensor(oh, ow, c);
        if (k == 2 && padT == 0 && padL == 0) {
            // windows past the bottom/right edge repeat the last row/column, which leaves the max unchanged
            float[] s = x.data;
            float[] d = y.data;
            for (int oy = 0; oy < oh; oy++) {
                int r0 = oy * stride * x.w * c;
                int r1 = Math.min(oy * stride + 1, x.h - 1) * x.w * c;
                for (int ox = 0; ox < ow; ox++) {
                    int c0 = ox * stride * c;
                    int c1 = Math.min(ox * stride + 1, x.w - 1) * c;
                    int o = (oy * ow + ox) * c;
                    for (int j = 0; j < c; j++) {
                        d[o + j] = Math.max(Math.max(s[r0 + c0 + j], s[r0 + c1 + j]),
                                Math.max(s[r1 + c0 + j], s[r1 + c1 + j]));
                    }
                }
            }
            return y;
        }
        java.util.Arrays.fill(y.data, Float.NEGATIVE_INFINITY);
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int o = (oy * ow + ox) * c;
                for (int wy = 0; wy < k; wy++) {
                    int sy = oy * stride - padT + wy;
                    if (sy < 0 || sy >= x.h) {
                        continue;
                    }
                    for (int wx = 0; wx < k; wx++) {
                        int sx = ox * stride - padL + wx;
                        if (sx < 0 || sx >= x.w) {
                            continue;
                        }
                        int si = (sy * x.w + sx) * c;
                        for (int j = 0; j < c; j++) {
                            y.data[o + j] = Math.max(y.data[o + j], x.data[si + j]);
                        }
                    }
                }
            }
        }
        return y;
    }

    /** Average pooling, VALID padding. */
    public static Tensor avgPool(Tensor x, int k, int stride) {
        int oh = Padding.VALID.outSize(x.h, k, stride);
        int ow = Padding.VALID.outSize(x.w, k, stride);
        int c = x.c;
        Tensor y = new Tensor(oh, ow, c);
        float inv = 1f / (k * k);
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int o = (oy * ow + ox) * c;
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        int i = ((oy * stride + ky) * x.w + ox * stride + kx) * c;
                        for (int j = 0; j < c; j++) {
                            y.data[o + j] += x.data[i + j];
                        }
                    }
                }
                for (int j = 0; j < c; j++) {
                    y.data[o + j] *= inv;
                }
            }
        }
        return y;
    }

    /** In place {@code a += b}; same shapes. Returns {@code a}. */
    public static Tensor addInPlace(Tensor a, Tensor b) {
        if (a.data.length != b.data.length) {
            throw new IllegalArgumentException(a + " + " + b);
        }
        float[] x = a.data;
        float[] y = b.data;
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
        return a;
    }

    /** In place ReLU. */
    public static Tensor relu(Tensor a) {
        Activation.RELU.apply(a.data);
        return a;
    }

    /** Mean over height and width: one value per channel. */
    public static float[] spatialMean(Tensor x) {
        double[] sum = new double[x.c];
        for (int p = 0; p < x.h * x.w; p++) {
            for (int j = 0; j < x.c; j++) {
                sum[j] += x.data[p * x.c + j];
            }
        }
        float[] out = new float[x.c];
        for (int j = 0; j < x.c; j++) {
            out[j] = (float) (sum[j] / (x.h * x.w));
        }
        return out;
    }

    /** {@code v x W (+ bias)} with W of shape [in][out]. */
    public static float[] fullyConnected(float[] v, float[] weights, float[] bias, int out) {
        float[] r = bias == null ? new float[out] : bias.clone();
        for (int i = 0; i < v.length; i++) {
            float a = v[i];
            int off = i * out;
            for (int j = 0; j < out; j++) {
                r[j] += a * weights[off + j];
            }
        }
        return r;
    }
}
