package imagepipelines.faces.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The numeric kernels against naive reference implementations; no model files needed. */
class FaceKernelsTest {
    private final Random random = new Random(42);

    private float[] random(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = random.nextFloat() * 2 - 1;
        }
        return f;
    }

    private Tensor randomTensor(int h, int w, int c) {
        return new Tensor(h, w, c, random(h * w * c));
    }

    /** Direct convolution by the definition, TF padding rules. */
    static Tensor naiveConv(Tensor x, float[] f, int k, int out, float[] bias, int stride, Padding p) {
        int oh = p.outSize(x.h, k, stride);
        int ow = p.outSize(x.w, k, stride);
        int pt = p.padBefore(x.h, k, stride);
        int pl = p.padBefore(x.w, k, stride);
        Tensor y = new Tensor(oh, ow, out);
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                for (int o = 0; o < out; o++) {
                    double s = bias == null ? 0 : bias[o];
                    for (int ky = 0; ky < k; ky++) {
                        for (int kx = 0; kx < k; kx++) {
                            int iy = oy * stride - pt + ky;
                            int ix = ox * stride - pl + kx;
                            if (iy < 0 || ix < 0 || iy >= x.h || ix >= x.w) {
                                continue;
                            }
                            for (int i = 0; i < x.c; i++) {
                                s += x.get(iy, ix, i) * f[((ky * k + kx) * x.c + i) * out + o];
                            }
                        }
                    }
                    y.data[y.index(oy, ox, o)] = (float) s;
                }
            }
        }
        return y;
    }

    static void assertClose(float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), "at " + i);
        }
    }

    @Test
    void tfSamePaddingPutsTheOddPixelAfter() {
        assertEquals(256, Padding.SAME.outSize(512, 3, 2));
        assertEquals(0, Padding.SAME.padBefore(512, 3, 2));
        assertEquals(1, Padding.SAME.padBefore(35, 3, 1));
        assertEquals(72, Padding.VALID.outSize(150, 7, 2));
        assertEquals(0, Padding.VALID.padBefore(150, 7, 2));
    }

    @Test
    void convolutionsMatchTheDefinition() {
        int[][] cases = {  // h, w, in, out, k, stride, padding (0 same, 1 valid)
            {9, 7, 3, 16, 3, 2, 0}, {8, 8, 5, 40, 3, 1, 0}, {11, 10, 3, 9, 7, 2, 1}, {6, 5, 32, 64, 1, 1, 0},
            {7, 7, 20, 12, 3, 2, 1}, {5, 9, 4, 33, 3, 1, 0}};
        for (int[] c : cases) {
            Tensor x = randomTensor(c[0], c[1], c[2]);
            float[] f = random(c[4] * c[4] * c[2] * c[3]);
            float[] b = random(c[3]);
            Padding p = c[6] == 0 ? Padding.SAME : Padding.VALID;
            Tensor expected = naiveConv(x, f, c[4], c[3], b, c[5], p);
            Tensor actual = new Conv2d(f, new int[] {c[4], c[4], c[2], c[3]}, b, c[5], p, Activation.NONE).apply(x);
            assertEquals(expected.h, actual.h);
            assertEquals(expected.w, actual.w);
            assertClose(expected.data, actual.data, 1e-4);
        }
    }

    @Test
    void scalarAndVectorMatrixKernelsAgree() {
        for (int[] c : new int[][] {{37, 53, 70}, {8, 16, 16}, {13, 27, 9}, {64, 128, 256}}) {
            int rows = c[0];
            int depth = c[1];
            int cols = c[2];
            float[] a = random(rows * depth);
            float[] m = random(depth * cols);
            float[] bias = random(cols);
            PackedWeights w = new PackedWeights(m, depth, cols, bias);
            float[] viaGemm = new float[rows * cols];
            Gemm.multiply(a, rows, w, 0f, 6f, viaGemm);
            float[] scalar = new float[rows * w.paddedCols];
            Gemm.scalar(a, rows, w, 0f, 6f, scalar, 0);
            float[] naive = new float[rows * cols];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    double s = bias[j];
                    for (int d = 0; d < depth; d++) {
                        s += a[r * depth + d] * m[d * cols + j];
                    }
                    naive[r * cols + j] = (float) Math.min(Math.max(s, 0), 6);
                    assertEquals(naive[r * cols + j], scalar[r * w.paddedCols + j], 1e-4);
                }
            }
            assertClose(naive, viaGemm, 1e-4);
        }
    }

    @Test
    void depthwiseVectorAndScalarPathsAgree() {
        for (int[] c : new int[][] {{9, 11, 32, 1}, {10, 10, 64, 2}, {5, 4, 16, 2}, {7, 6, 24, 1}}) {
            Tensor x = randomTensor(c[0], c[1], c[2]);
            float[] f = random(9 * c[2]);
            DepthwiseConv2d dw = DepthwiseConv2d.withBatchNorm(f, new int[] {3, 3, c[2], 1}, random(c[2]),
                    random(c[2]), random(c[2]), new float[c[2]], 1e-3, c[3], Padding.SAME, Activation.RELU6);
            Tensor fast = dw.apply(x);
            Tensor plain = dw.applyScalar(x);
            assertClose(plain.data, fast.data, 1e-5);
        }
    }

    @Test
    void fusedPadAndResizeEqualsPadThenResize() {
        for (int[] c : new int[][] {{30, 47}, {47, 30}, {21, 21}, {100, 64}, {5, 9}}) {
            Tensor img = randomTensor(c[0], c[1], 3);
            for (boolean centre : new boolean[] {false, true}) {
                for (int size : new int[] {16, 112, 150}) {
                    Tensor twoStep = TensorOps.resizeBilinear(TensorOps.padToSquare(img, centre), size, size);
                    Tensor fused = TensorOps.toSquareInput(img, size, centre);
                    assertArrayEquals(twoStep.data, fused.data, 0f, c[0] + "x" + c[1] + " centre " + centre);
                }
            }
        }
    }

    @Test
    void resizeBilinearFollowsTfjsWithoutAlignCorners() {
        Tensor x = new Tensor(2, 2, 1, new float[] {0, 10, 20, 30});
        Tensor y = TensorOps.resizeBilinear(x, 4, 4);
        // source coordinate = output index * 0.5; the last column/row clamps to the edge
        assertArrayEquals(new float[] {0, 5, 10, 10, 10, 15, 20, 20, 20, 25, 30, 30, 20, 25, 30, 30}, y.data, 1e-6f);
    }

    @Test
    void padToSquareCentresLikeFaceApi() {
        Tensor x = new Tensor(1, 4, 1, new float[] {1, 2, 3, 4});
        // diff 3: round(1.5) = 2 rows after, 1 before
        Tensor centred = TensorOps.padToSquare(x, true);
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0}, centred.data);
        Tensor after = TensorOps.padToSquare(x, false);
        assertArrayEquals(new float[] {1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, after.data);
    }

    @Test
    void clipAtImageBordersFloorsLikeFaceApi() {
        FaceBox b = new FaceBox(-3.7, 10.2, 50.9, 20.5).clipAtImageBorders(40, 25);
        assertEquals(new FaceBox(0, 10, 40, 14), b);
    }

    @Test
    void distanceIsEuclidean() {
        assertEquals(5.0, FaceAnalyzer.distance(new float[] {0, 3}, new float[] {4, 0}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> FaceAnalyzer.distance(new float[1], new float[2]));
    }
}
