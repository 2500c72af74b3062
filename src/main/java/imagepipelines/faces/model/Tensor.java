package imagepipelines.faces.model;

/** A height x width x channels float tensor, channels last (TF's NHWC with batch 1), in one plain array. */
public final class Tensor {
    public final int h;
    public final int w;
    public final int c;
    public final float[] data;

    public Tensor(int h, int w, int c) {
        this(h, w, c, new float[h * w * c]);
    }

    public Tensor(int h, int w, int c, float[] data) {
        if (data.length != h * w * c) {
            throw new IllegalArgumentException("data length " + data.length + " != " + h + "x" + w + "x" + c);
        }
        this.h = h;
        this.w = w;
        this.c = c;
        this.data = data;
    }

    public int index(int y, int x, int ch) {
        return (y * w + x) * c + ch;
    }

    public float get(int y, int x, int ch) {
        return data[index(y, x, ch)];
    }

    @Override
    public String toString() {
        return "Tensor[" + h + "x" + w + "x" + c + "]";
    }
}
