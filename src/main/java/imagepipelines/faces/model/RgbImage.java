package imagepipelines.faces.model;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;

/** Conversions from decoded images to RGB tensors (values 0..255) and face crops. */
public final class RgbImage {
    private RgbImage() {
    }

    /**
     * The image's pixels as an RGB tensor. Grayscale images give R = G = B = the stored sample (not the
     * gamma-converted value {@code getRGB} would give for Java's linear gray colour space), alpha is ignored.
     */
    public static Tensor toTensor(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        Tensor t = new Tensor(h, w, 3);
        float[] d = t.data;
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            if (px.length == w * h * 3 && img.getRaster().getParent() == null) {
                for (int i = 0; i < w * h; i++) {
                    d[3 * i] = px[3 * i + 2] & 0xff;
                    d[3 * i + 1] = px[3 * i + 1] & 0xff;
                    d[3 * i + 2] = px[3 * i] & 0xff;
                }
                return t;
            }
        }
        if (isGray(img)) {
            Raster r = img.getRaster();
            int shift = r.getSampleModel().getSampleSize(0) - 8;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    float v = shift > 0 ? row[x] >> shift : row[x];
                    int o = (y * w + x) * 3;
                    d[o] = v;
                    d[o + 1] = v;
                    d[o + 2] = v;
                }
            }
            return t;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int o = (y * w + x) * 3;
                d[o] = (p >> 16) & 0xff;
                d[o + 1] = (p >> 8) & 0xff;
                d[o + 2] = p & 0xff;
            }
        }
        return t;
    }

    private static boolean isGray(BufferedImage img) {
        return (img.getType() == BufferedImage.TYPE_BYTE_GRAY || img.getType() == BufferedImage.TYPE_USHORT_GRAY
                || (img.getColorModel() instanceof ComponentColorModel
                    && img.getColorModel().getNumComponents() == 1))
                && img.getRaster().getNumBands() == 1;
    }

    /** The integer rectangle [x, x+w) x [y, y+h) of an RGB tensor (must lie inside it). */
    public static Tensor crop(Tensor img, int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > img.w || y + h > img.h) {
            throw new IllegalArgumentException("crop " + x + "," + y + " " + w + "x" + h + " outside " + img);
        }
        Tensor t = new Tensor(h, w, img.c);
        int len = w * img.c;
        for (int yy = 0; yy < h; yy++) {
            System.arraycopy(img.data, ((y + yy) * img.w + x) * img.c, t.data, yy * len, len);
        }
        return t;
    }

    /** face-api's extractFaceTensors for one box: clip to the image, floor, cut out; null if nothing is left. */
    public static Tensor cropClipped(Tensor img, FaceBox box) {
        FaceBox b = box.clipAtImageBorders(img.w, img.h);
        if (b.width() <= 0 || b.height() <= 0) {
            return null;
        }
        return crop(img, (int) b.x(), (int) b.y(), (int) b.width(), (int) b.height());
    }
}
