package imagepipelines.faces.model;

/**
 * A {@code depth x cols} weight matrix (plus bias) re-laid for {@link Gemm}: column tiles of {@code tile} floats,
 * each stored as {@code depth} contiguous rows ({@code [cols/tile][depth][tile]}), zero-padded to whole tiles.
 */
public final class PackedWeights {
    final int depth;
    final int cols;
    final int paddedCols;
    final int tile;
    final float[] data;
    final float[] bias;

    /**
     * @param matrix row-major {@code [depth][cols]} (TF's HWIO filters flattened are exactly this with
     *               depth = k*k*in)
     * @param bias   per column, or null for zeros
     */
    public PackedWeights(float[] matrix, int depth, int cols, float[] bias) {
        if (matrix.length != depth * cols) {
            throw new IllegalArgumentException("matrix length " + matrix.length + " != " + depth + "x" + cols);
        }
        this.depth = depth;
        this.cols = cols;
        if (Gemm.VECTORISED) {
            this.tile = cols <= Gemm.NARROW_TILE ? Gemm.NARROW_TILE : Gemm.TILE;
            this.paddedCols = (cols + tile - 1) / tile * tile;
        } else {
            // the plain-Java kernel streams whole rows: one tile as wide as the (16-padded) matrix, i.e. row-major
            this.paddedCols = (cols + 15) / 16 * 16;
            this.tile = paddedCols;
        }
        this.data = new float[paddedCols * depth];
        for (int t = 0; t < paddedCols / tile; t++) {
            for (int d = 0; d < depth; d++) {
                for (int j = 0; j < tile; j++) {
                    int col = t * tile + j;
                    if (col < cols) {
                        data[(t * depth + d) * tile + j] = matrix[d * cols + col];
                    }
                }
            }
        }
        this.bias = new float[paddedCols];
        if (bias != null) {
            System.arraycopy(bias, 0, this.bias, 0, cols);
        }
    }
}
