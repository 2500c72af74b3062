package imagepipelines.faces.model;

/** An axis-aligned box in source-image pixels (x, y = top-left corner). */
public record FaceBox(double x, double y, double width, double height) {
    public double right() {
        return x + width;
    }

    public double bottom() {
        return y + height;
    }

    /** face-api's Box.floor(). */
    public FaceBox floor() {
        return new FaceBox(Math.floor(x), Math.floor(y), Math.floor(width), Math.floor(height));
    }

    /** face-api's Box.clipAtImageBorders(): clipped to the image, then floored. */
    public FaceBox clipAtImageBorders(int imageWidth, int imageHeight) {
        double cx = Math.max(x, 0);
        double cy = Math.max(y, 0);
        double w = Math.min(right() - cx, imageWidth - cx);
        double h = Math.min(bottom() - cy, imageHeight - cy);
        return new FaceBox(cx, cy, w, h).floor();
    }
}
