package imagepipelines.faces.model;

/** TF's two padding modes, with TF's rule for where the odd pixel of SAME padding goes (after, not before). */
public enum Padding {
    SAME, VALID;

    public int outSize(int in, int kernel, int stride) {
        return this == SAME ? (in + stride - 1) / stride : (in - kernel) / stride + 1;
    }

    /** Padding before the first input pixel (top or left). */
    public int padBefore(int in, int kernel, int stride) {
        if (this == VALID) {
            return 0;
        }
        int total = Math.max((outSize(in, kernel, stride) - 1) * stride + kernel - in, 0);
        return total / 2;
    }
}
