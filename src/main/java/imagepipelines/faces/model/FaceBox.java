package imagepipelines.faces.model;

/** An axis-aligned box in source-image pixels (x, y = top-left corner). */
public record FaceBox(double x, double y, double width, double height) {
    public double right() {
        return x + width;
    }

    public double bottom() {
        return y + height;
    }

    /** Intersection over union with another box (0 when either is empty). */
    public double iou(FaceBox o) {
        double w = Math.max(0, Math.min(right(), o.right()) - Math.max(x, o.x));
        double h = Math.max(0, Math.min(bottom(), o.bottom()) - Math.max(y, o.y));
        double inter = w * h;
        double union = width * height + o.width * o.height - inter;
        return union <= 0 ? 0 : inter / union;
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
