package imagepipelines.faces.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link Gemm}'s Vector API kernel: 4 rows x 2 vectors of accumulators held in registers. Loaded only if used. */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int TILE = 2 * L;

    private VectorGemm() {
    }

    static void multiply(float[] a, int rows, PackedWeights w, float lo, float hi, float[] out) {
        int depth = w.depth;
        int stride = w.paddedCols;
        float[] wd = w.data;
        FloatVector vLo = FloatVector.broadcast(S, lo);
        FloatVector vHi = FloatVector.broadcast(S, hi);
        for (int jt = 0; jt < stride; jt += TILE) {
            int wBase = jt * depth;
            FloatVector b0 = FloatVector.fromArray(S, w.bias, jt);
            FloatVector b1 = FloatVector.fromArray(S, w.bias, jt + L);
            int r = 0;
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
                int o = r * stride + jt;
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
                int o = r * stride + jt;
                a00.max(vLo).min(vHi).intoArray(out, o);
                a01.max(vLo).min(vHi).intoArray(out, o + L);
            }
        }
    }
}
