package imagepipelines.faces.model;

/**
 * {@code out[rows][cols] = clamp(a[rows][depth] x W + bias, lo, hi)}: the one kernel every convolution and fully
 * connected layer ends in. Uses the JDK's Vector API ({@code jdk.incubator.vector}: start the JVM with
 * {@code --add-modules jdk.incubator.vector}) when the module is present, about ten times faster than the plain-Java
 * fallback, which gives the same results up to float rounding.
 */
public final class Gemm {
    /** Whether the Vector API kernel is in use. */
    public static final boolean VECTORISED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("imagepipelines.faces.noVectorApi");
    /** Width of a weight column tile: two vectors of the preferred species (or 16 without the Vector API). */
    static final int TILE = VECTORISED ? VectorKernels.TILE : 16;
    /** Width of a tile for narrow matrices (at most this many columns): one vector. */
    static final int NARROW_TILE = VECTORISED ? VectorKernels.L : 16;

    static {
        if (!VECTORISED) {
            System.getLogger(Gemm.class.getName()).log(System.Logger.Level.WARNING,
                    "face model runs without the Vector API (about ten times slower): start the JVM with"
                            + " --add-modules jdk.incubator.vector");
        }
    }

    private Gemm() {
    }

    public static void multiply(float[] a, int rows, PackedWeights w, float lo, float hi, float[] out) {
        multiply(a, rows, w, lo, hi, out, 0);
    }

    /** As {@link #multiply(float[], int, PackedWeights, float, float, float[])}, writing from {@code out[outBase]}. */
    public static void multiply(float[] a, int rows, PackedWeights w, float lo, float hi, float[] out, int outBase) {
        if (out.length < outBase + rows * w.cols || a.length < rows * w.depth) {
            throw new IllegalArgumentException("gemm buffers too small");
        }
        boolean direct = w.paddedCols == w.cols;
        float[] target = direct ? out : new float[rows * w.paddedCols];
        int base = direct ? outBase : 0;
        if (VECTORISED) {
            VectorKernels.multiply(a, rows, w, lo, hi, target, base);
        } else {
            scalar(a, rows, w, lo, hi, target, base);
        }
        if (!direct) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(target, r * w.paddedCols, out, outBase + r * w.cols, w.cols);
            }
        }
    }

    /**
     * The plain-Java kernel (package-private so tests can compare it with the vector one): per row, four input
     * values at a time are multiplied into the whole output row, a loop the JIT vectorises by itself.
     */
    static void scalar(float[] a, int rows, PackedWeights w, float lo, float hi, float[] out, int outBase) {
        int depth = w.depth;
        int tile = w.tile;
        int stride = w.paddedCols;
        float[] wd = w.data;
        float[] acc = new float[tile];
        int[] idx = new int[depth];
        float[] val = new float[depth];
        for (int t = 0; t < stride / tile; t++) {
            int wBase = t * depth * tile;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(w.bias, t * tile, acc, 0, tile);
                int aOff = r * depth;
                int n = 0;
                for (int d = 0; d < depth; d++) {
                    float x = a[aOff + d];
                    if (x != 0f) {
                        idx[n] = wBase + d * tile;
                        val[n++] = x;
                    }
                }
                int i = 0;
                for (; i + 3 < n; i += 4) {
                    float v0 = val[i], v1 = val[i + 1], v2 = val[i + 2], v3 = val[i + 3];
                    int w0 = idx[i], w1 = idx[i + 1], w2 = idx[i + 2], w3 = idx[i + 3];
                    for (int j = 0; j < tile; j++) {
                        acc[j] += v0 * wd[w0 + j] + v1 * wd[w1 + j] + v2 * wd[w2 + j] + v3 * wd[w3 + j];
                    }
                }
                for (; i < n; i++) {
                    float v = val[i];
                    int w0 = idx[i];
                    for (int j = 0; j < tile; j++) {
                        acc[j] += v * wd[w0 + j];
                    }
                }
                int o = outBase + r * stride + t * tile;
                for (int j = 0; j < tile; j++) {
                    out[o + j] = Math.min(Math.max(acc[j], lo), hi);
                }
            }
        }
    }
}
