package imagepipelines.faces.model;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Decodes a photo for {@link FaceAnalyzer}: JPEG and PNG with the JDK's readers, WebP with the system's libwebp when
 * the JVM allows native access ({@link NativeWebp}, ~10 ms for 1200x900) else with the TwelveMonkeys ImageIO plugin
 * (~100 ms), then turned upright according to its EXIF orientation (metadata-extractor reads it from JPEG, PNG and
 * WebP). Stateless and thread-safe.
 */
public final class FaceImageDecoder {
    private static final System.Logger LOG = System.getLogger(FaceImageDecoder.class.getName());
    private static final Object NATIVE_WEBP = loadNativeWebp();

    private FaceImageDecoder() {
    }

    private static Object loadNativeWebp() {
        if (Boolean.getBoolean("imagepipelines.faces.noNativeWebp")
                || ModuleLayer.boot().findModule("jdk.incubator.foreign").isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "WebP via ImageIO (for libwebp start the JVM with --add-modules"
                    + " jdk.incubator.foreign --enable-native-access=ALL-UNNAMED)");
            return null;
        }
        try {
            return NativeWebp.load();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.INFO, "WebP via ImageIO, libwebp not usable: " + t);
            return null;
        }
    }

    /** Whether WebP goes through libwebp. */
    public static boolean nativeWebp() {
        return NATIVE_WEBP != null;
    }

    static boolean isWebp(byte[] b) {
        return b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P';
    }

    /** The upright image; IOException when the bytes are no image these readers know. */
    public static BufferedImage decode(byte[] bytes) throws IOException {
        BufferedImage img = null;
        if (NATIVE_WEBP != null && isWebp(bytes)) {
            img = ((NativeWebp) NATIVE_WEBP).decode(bytes);
        }
        if (img == null) {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        }
        if (img == null) {
            throw new IOException("not a decodable image (JPEG, PNG or WebP expected)");
        }
        return orient(img, exifOrientation(bytes));
    }

    /** The EXIF orientation (1..8), 1 when absent or unreadable. */
    public static int exifOrientation(byte[] bytes) {
        try {
            Metadata md = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
            for (ExifIFD0Directory dir : md.getDirectoriesOfType(ExifIFD0Directory.class)) {
                if (dir.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                    int o = dir.getInt(ExifIFD0Directory.TAG_ORIENTATION);
                    return o >= 1 && o <= 8 ? o : 1;
                }
            }
        } catch (ImageProcessingException | MetadataException | IOException e) {
            // no usable EXIF: the stored orientation is the one to use
        }
        return 1;
    }

    /**
     * Applies EXIF orientation {@code o}: 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise,
     * 7 transverse, 8 rotate 90 anticlockwise. Pixel values are copied as stored (no colour conversion).
     */
    public static BufferedImage orient(BufferedImage img, int o) {
        if (o <= 1 || o > 8) {
            return img;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        boolean swap = o >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        Raster src = img.getRaster();
        WritableRaster dst = src.createCompatibleWritableRaster(ow, oh);
        int bands = src.getNumBands();
        int[] row = new int[w * bands];
        int[] px = new int[bands];
        for (int y = 0; y < h; y++) {
            src.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int dx;
                int dy;
                switch (o) {
                    case 2 -> { dx = w - 1 - x; dy = y; }
                    case 3 -> { dx = w - 1 - x; dy = h - 1 - y; }
                    case 4 -> { dx = x; dy = h - 1 - y; }
                    case 5 -> { dx = y; dy = x; }
                    case 6 -> { dx = h - 1 - y; dy = x; }
                    case 7 -> { dx = h - 1 - y; dy = w - 1 - x; }
                    default -> { dx = y; dy = w - 1 - x; }
                }
                System.arraycopy(row, x * bands, px, 0, bands);
                dst.setPixel(dx, dy, px);
            }
        }
        return new BufferedImage(img.getColorModel(), dst, img.isAlphaPremultiplied(), null);
    }
}
