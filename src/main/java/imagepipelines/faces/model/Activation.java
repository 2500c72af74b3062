package imagepipelines.faces.model;

/** Activations the three nets use, applied in place. */
public enum Activation {
    NONE, RELU, RELU6;

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
            default -> { }
        }
    }
}
