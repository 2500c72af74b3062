package imagepipelines.faces.model;

/** Activations the three nets use, applied in place. */
public enum Activation {
    NONE(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY),
    RELU(0f, Float.POSITIVE_INFINITY),
    RELU6(0f, 6f),
    /** Leaky ReLU with slope 0.1 (the tiny face detector's); not expressible as a clamp, applied afterwards. */
    LEAKY(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);

    /** The activation as a clamp to [lo, hi]. */
    final float lo;
    final float hi;

    Activation(float lo, float hi) {
        this.lo = lo;
        this.hi = hi;
    }

    public void apply(float[] a) {
        switch (this) {
            case RELU -> {
                for (int i = 0; i < a.length; i++) {
                    a[i] = Math.max(a[i], 0f);
                }
            }
            case RELU6 -> {
                for (int i = 0; i < a.length; i++) {
                    a[i] = Math.min(Math.max(a[i], 0f), 6f);
                }
            }
            case LEAKY -> {
                for (int i = 0; i < a.length; i++) {
                    a[i] = Math.max(a[i], 0.1f * a[i]);  // = x for x >= 0, 0.1 x below; branch-free
                }
            }
            default -> { }
        }
    }
}
