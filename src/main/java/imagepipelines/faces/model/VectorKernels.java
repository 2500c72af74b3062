package imagepipelines.faces.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels ({@code jdk.incubator.vector}), loaded only when the module is present: the matrix product of
 * {@link Gemm} (4 rows x 2 vectors of accumulators held in registers) and the depthwise convolution.
 */
final class VectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int TILE = 2 * L;

    private VectorKernels() {
    }

    /** {@code out = clamp(a x W + bias)}, W packed in tiles of {@link #TILE} or {@link #L} columns. */
    static void multiply(float[] a, int rows, PackedWeights w, float lo, float hi, float[] out, int outBase) {
        if (w.tile == L) {
            multiplyNarrow(a, rows, w, lo, hi, out, outBase);
            return;
        }
        // blocks of rows whose inputs (about 256 KB) stay in cache while every column tile passes over them
        int block = Math.max(4, (64 * 1024 / Math.max(1, w.depth)) & ~3);
        for (int r0 = 0; r0 < rows; r0 += block) {
            multiplyRows(a, r0, Math.min(rows, r0 + block), w, lo, hi, out, outBase);
        }
    }

    private static void multiplyRows(float[] a, int rowStart, int rowEnd, PackedWeights w, float lo, float hi,
                                     float[] out, int outBase) {
        int rows = rowEnd;
        int depth = w.depth;
        int stride = w.paddedCols;
        float[] wd = w.data;
        FloatVector vLo = FloatVector.broadcast(S, lo);
        FloatVector vHi = FloatVector.broadcast(S, hi);
        for (int jt = 0; jt < stride; jt += TILE) {
            int wBase = jt * depth;
            FloatVector b0 = FloatVector.fromArray(S, w.bias, jt);
            FloatVector b1 = FloatVector.fromArray(S, w.bias, jt + L);
            int r = rowStart;
            for (; r + 3 < rows; r += 4) {
                FloatVector a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
                int i0 = r * depth;
                int i1 = i0 + depth;
                int i2 = i1 + depth;
                int i3 = i2 + depth;
                for (int d = 0; d < depth; d++) {
                    int wo = wBase + d * TILE;
                    FloatVector w0 = FloatVector.fromArray(S, wd, wo);
                    FloatVector w1 = FloatVector.fromArray(S, wd, wo + L);
                    FloatVector x0 = FloatVector.broadcast(S, a[i0 + d]);
                    a00 = w0.fma(x0, a00);
                    a01 = w1.fma(x0, a01);
                    FloatVector x1 = FloatVector.broadcast(S, a[i1 + d]);
                    a10 = w0.fma(x1, a10);
                    a11 = w1.fma(x1, a11);
                    FloatVector x2 = FloatVector.broadcast(S, a[i2 + d]);
                    a20 = w0.fma(x2, a20);
                    a21 = w1.fma(x2, a21);
                    FloatVector x3 = FloatVector.broadcast(S, a[i3 + d]);
                    a30 = w0.fma(x3, a30);
                    a31 = w1.fma(x3, a31);
                }
                int o = outBase + r * stride + jt;
                a00.max(vLo).min(vHi).intoArray(out, o);
                a01.max(vLo).min(vHi).intoArray(out, o + L);
                a10.max(vLo).min(vHi).intoArray(out, o + stride);
                a11.max(vLo).min(vHi).intoArray(out, o + stride + L);
                a20.max(vLo).min(vHi).intoArray(out, o + 2 * stride);
                a21.max(vLo).min(vHi).intoArray(out, o + 2 * stride + L);
                a30.max(vLo).min(vHi).intoArray(out, o + 3 * stride);
                a31.max(vLo).min(vHi).intoArray(out, o + 3 * stride + L);
            }
            for (; r < rows; r++) {
                FloatVector a00 = b0, a01 = b1;
                int i0 = r * depth;
                for (int d = 0; d < depth; d++) {
                    int wo = wBase + d * TILE;
                    FloatVector x0 = FloatVector.broadcast(S, a[i0 + d]);
                    a00 = FloatVector.fromArray(S, wd, wo).fma(x0, a00);
                    a01 = FloatVector.fromArray(S, wd, wo + L).fma(x0, a01);
                }
                int o = outBase + r * stride + jt;
                a00.max(vLo).min(vHi).intoArray(out, o);
                a01.max(vLo).min(vHi).intoArray(out, o + L);
            }
        }
    }

    /** One-vector column tiles (narrow outputs, e.g. 16 channels): 8 rows of accumulators. */
    private static void multiplyNarrow(float[] a, int rows, PackedWeights w, float lo, float hi, float[] out,
                                       int outBase) {
        int depth = w.depth;
        int stride = w.paddedCols;
        float[] wd = w.data;
        FloatVector vLo = FloatVector.broadcast(S, lo);
        FloatVector vHi = FloatVector.broadcast(S, hi);
        for (int jt = 0; jt < stride; jt += L) {
            int wBase = jt * depth;
            FloatVector b = FloatVector.fromArray(S, w.bias, jt);
            int r = 0;
            for (; r + 7 < rows; r += 8) {
                FloatVector c0 = b, c1 = b, c2 = b, c3 = b, c4 = b, c5 = b, c6 = b, c7 = b;
                int i0 = r * depth;
                for (int d = 0; d < depth; d++) {
                    FloatVector wv = FloatVector.fromArray(S, wd, wBase + d * L);
                    int i = i0 + d;
                    c0 = wv.fma(FloatVector.broadcast(S, a[i]), c0);
                    c1 = wv.fma(FloatVector.broadcast(S, a[i + depth]), c1);
                    c2 = wv.fma(FloatVector.broadcast(S, a[i + 2 * depth]), c2);
                    c3 = wv.fma(FloatVector.broadcast(S, a[i + 3 * depth]), c3);
                    c4 = wv.fma(FloatVector.broadcast(S, a[i + 4 * depth]), c4);
                    c5 = wv.fma(FloatVector.broadcast(S, a[i + 5 * depth]), c5);
                    c6 = wv.fma(FloatVector.broadcast(S, a[i + 6 * depth]), c6);
                    c7 = wv.fma(FloatVector.broadcast(S, a[i + 7 * depth]), c7);
                }
                int o = outBase + r * stride + jt;
                c0.max(vLo).min(vHi).intoArray(out, o);
                c1.max(vLo).min(vHi).intoArray(out, o + stride);
                c2.max(vLo).min(vHi).intoArray(out, o + 2 * stride);
                c3.max(vLo).min(vHi).intoArray(out, o + 3 * stride);
                c4.max(vLo).min(vHi).intoArray(out, o + 4 * stride);
                c5.max(vLo).min(vHi).intoArray(out, o + 5 * stride);
                c6.max(vLo).min(vHi).intoArray(out, o + 6 * stride);
                c7.max(vLo).min(vHi).intoArray(out, o + 7 * stride);
            }
            for (; r < rows; r++) {
                FloatVector c0 = b;
                int i0 = r * depth;
                for (int d = 0; d < depth; d++) {
                    c0 = FloatVector.fromArray(S, wd, wBase + d * L).fma(FloatVector.broadcast(S, a[i0 + d]), c0);
                }
                c0.max(vLo).min(vHi).intoArray(out, outBase + r * stride + jt);
            }
        }
    }

    /**
     * Depthwise 3x3 convolution of {@code x} (channels a multiple of {@link #L}) followed by
     * {@code clamp(y * scale + shift, lo, hi)}, into {@code y}. Interior pixels take a straight-line vector path (no
     * loop-carried vectors, which JDK 17 would box); border pixels go through the plain loop.
     */
    static void depthwise3x3(Tensor x, float[] filters, int stride, int padT, int padL, float[] scale,
                             float[] shift, float lo, float hi, Tensor y) {
        int c = x.c;
        float[] src = x.data;
        float[] o = y.data;
        FloatVector vLo = FloatVector.broadcast(S, lo);
        FloatVector vHi = FloatVector.broadcast(S, hi);
        int rowStride = x.w * c;
        for (int oy = 0; oy < y.h; oy++) {
            int iy0 = oy * stride - padT;
            boolean rowInside = iy0 >= 0 && iy0 + 3 <= x.h;
            for (int ox = 0; ox < y.w; ox++) {
                int ix0 = ox * stride - padL;
                int oOff = (oy * y.w + ox) * c;
                if (!rowInside || ix0 < 0 || ix0 + 3 > x.w) {
                    DepthwiseConv2d.scalarPixel(x, filters, 3, iy0, ix0, scale, shift, lo, hi, o, oOff);
                    continue;
                }
                int r0 = (iy0 * x.w + ix0) * c;
                int r1 = r0 + rowStride;
                int r2 = r1 + rowStride;
                for (int j = 0; j < c; j += L) {
                    FloatVector a0 = FloatVector.fromArray(S, src, r0 + j)
                            .mul(FloatVector.fromArray(S, filters, j));
                    FloatVector a1 = FloatVector.fromArray(S, src, r0 + c + j)
                            .mul(FloatVector.fromArray(S, filters, c + j));
                    FloatVector a2 = FloatVector.fromArray(S, src, r0 + 2 * c + j)
                            .mul(FloatVector.fromArray(S, filters, 2 * c + j));
                    a0 = FloatVector.fromArray(S, src, r1 + j).fma(FloatVector.fromArray(S, filters, 3 * c + j), a0);
                    a1 = FloatVector.fromArray(S, src, r1 + c + j)
                            .fma(FloatVector.fromArray(S, filters, 4 * c + j), a1);
                    a2 = FloatVector.fromArray(S, src, r1 + 2 * c + j)
                            .fma(FloatVector.fromArray(S, filters, 5 * c + j), a2);
                    a0 = FloatVector.fromArray(S, src, r2 + j).fma(FloatVector.fromArray(S, filters, 6 * c + j), a0);
                    a1 = FloatVector.fromArray(S, src, r2 + c + j)
                            .fma(FloatVector.fromArray(S, filters, 7 * c + j), a1);
                    a2 = FloatVector.fromArray(S, src, r2 + 2 * c + j)
                            .fma(FloatVector.fromArray(S, filters, 8 * c + j), a2);
                    a0.add(a1).add(a2)
                            .fma(FloatVector.fromArray(S, scale, j), FloatVector.fromArray(S, shift, j))
                            .max(vLo).min(vHi).intoArray(o, oOff + j);
                }
            }
        }
    }
}
