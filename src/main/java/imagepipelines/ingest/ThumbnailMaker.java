package imagepipelines.ingest;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import com.drew.imaging.FileType;
import org.libjpegturbo.turbojpeg.TJ;
import org.libjpegturbo.turbojpeg.TJCompressor;
import org.libjpegturbo.turbojpeg.TJDecompressor;
import org.libjpegturbo.turbojpeg.TJException;
import org.libjpegturbo.turbojpeg.TJScalingFactor;

/**
 * Makes the medium (fit inside 940x940) and small (fit inside 120x120) thumbnails from one decode. JPEGs are decoded
 * by libjpeg-turbo straight at the smallest DCT scale that is still at least medium size, so a 10 MP frame costs a
 * fraction of a full decode. Never upscales; applies EXIF orientation; JPEG in, JPEG out (PNG in, PNG out, so
 * the key's extension and Content-Type stay true and alpha survives).
 */
public final class ThumbnailMaker {

    public record Thumbnails(byte[] medium, byte[] small, int width, int height) { }

    private final int mediumBox;
    private final int smallBox;
    private final int quality;
    private final long maxPixels;

    public ThumbnailMaker(int mediumBox, int smallBox, int quality, long maxPixels) {
        this.mediumBox = mediumBox;
        this.smallBox = smallBox;
        this.quality = quality;
        this.maxPixels = maxPixels;
    }

    /** @throws UndecodableImageException when the bytes are not an image this can decode, with the reason */
    public Thumbnails make(byte[] bytes) throws UndecodableImageException {
        ImageHeader header;
        try {
            header = ImageHeader.read(bytes);
        } catch (IOException e) {
            throw new UndecodableImageException(e.getMessage(), e);
        }
        if (header.width() <= 0 || header.height() <= 0) {
            throw new UndecodableImageException("the image header gives no size");
        }
        if (header.pixels() > maxPixels) {
            throw new UndecodableImageException("the header claims " + header.width() + "x" + header.height()
                    + " pixels, more than the " + maxPixels + "-pixel limit");
        }
        try {
            if (header.type() == FileType.Jpeg) {
                BufferedImage decoded = decodeJpeg(bytes, header);
                BufferedImage medium = orient(resize(decoded, fit(header.width(), header.height(), mediumBox)),
                        header.orientation());
                BufferedImage small = resize(medium, fit(medium.getWidth(), medium.getHeight(), smallBox));
                return new Thumbnails(encodeJpeg(medium), encodeJpeg(small), header.width(), header.height());
            }
            BufferedImage decoded = decodeOther(bytes);
            BufferedImage medium = orient(resize(decoded, fit(decoded.getWidth(), decoded.getHeight(), mediumBox)),
                    header.orientation());
            BufferedImage small = resize(medium, fit(medium.getWidth(), medium.getHeight(), smallBox));
            return new Thumbnails(encodePng(medium), encodePng(small), decoded.getWidth(), decoded.getHeight());
        } catch (TJException e) {
            throw new UndecodableImageException(e.getErrorCode() == TJ.ERR_WARNING
                    ? "the image data is damaged or truncated: " + e.getMessage()
                    : "the JPEG cannot be decoded: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new UndecodableImageException("the image cannot be decoded: " + e.getMessage(), e);
        }
    }

    /** Target size of an image of w x h fitted inside box x box, never larger than it is. */
    static int[] fit(int w, int h, int box) {
        double s = Math.min(1.0, Math.min((double) box / w, (double) box / h));
        return new int[] {Math.max(1, (int) Math.round(w * s)), Math.max(1, (int) Math.round(h * s))};
    }

    private BufferedImage decodeJpeg(byte[] bytes, ImageHeader header) throws TJException {
        try (TJDecompressor d = new TJDecompressor(bytes)) {
            int[] target = fit(d.getWidth(), d.getHeight(), mediumBox);
            // smallest scaling factor whose output still covers the medium size, so we only ever scale down
            TJScalingFactor best = null;
            for (TJScalingFactor f : TJ.getScalingFactors()) {
                if (f.getNum() > f.getDenom()) {
                    continue;
                }
                int sw = f.getScaled(d.getWidth());
                int sh = f.getScaled(d.getHeight());
                if (sw >= target[0] && sh >= target[1]
                        && (best == null || sw < best.getScaled(d.getWidth()))) {
                    best = f;
                }
            }
            int sw = best == null ? d.getWidth() : best.getScaled(d.getWidth());
            int sh = best == null ? d.getHeight() : best.getScaled(d.getHeight());
            return d.decompress(sw, sh, BufferedImage.TYPE_INT_RGB, 0);
        }
    }

    private static BufferedImage decodeOther(byte[] bytes) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("no decoder for this file");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                BufferedImage img = reader.read(0);
                if (img.getType() != BufferedImage.TYPE_INT_ARGB) {
                    BufferedImage argb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_ARGB);
                    Graphics2D g = argb.createGraphics();
                    g.drawImage(img, 0, 0, null);
                    g.dispose();
                    img = argb;
                }
                return img;
            } finally {
                reader.dispose();
            }
        }
    }

    /** Bilinear steps of at most 2x, which averages like a box filter and keeps thin details from aliasing. */
    static BufferedImage resize(BufferedImage src, int[] target) {
        BufferedImage img = src;
        int w = img.getWidth();
        int h = img.getHeight();
        while (w != target[0] || h != target[1]) {
            int nw = Math.max(target[0], w / 2);
            int nh = Math.max(target[1], h / 2);
            if (nw == w && nh == h) {
                break;
            }
            BufferedImage next = new BufferedImage(nw, nh, img.getType() == BufferedImage.TYPE_INT_ARGB
                    ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
            Graphics2D g = next.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img, 0, 0, nw, nh, null);
            g.dispose();
            img = next;
            w = nw;
            h = nh;
        }
        return img;
    }

    /** Applies EXIF orientation 2..8 so the thumbnail shows the scene the right way up. */
    static BufferedImage orient(BufferedImage img, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return img;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        boolean swap = orientation >= 5;
        // destination = matrix * source; arguments are (m00, m10, m01, m11, m02, m12)
        AffineTransform t = switch (orientation) {
            case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0);   // mirror horizontally
            case 3 -> new AffineTransform(-1, 0, 0, -1, w, h);  // rotate 180
            case 4 -> new AffineTransform(1, 0, 0, -1, 0, h);   // mirror vertically
            case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);    // transpose
            case 6 -> new AffineTransform(0, 1, -1, 0, h, 0);   // rotate 90 clockwise
            case 7 -> new AffineTransform(0, -1, -1, 0, h, w);  // transverse
            default -> new AffineTransform(0, -1, 1, 0, 0, w);  // 8: rotate 90 counter-clockwise
        };
        BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, img.getType());
        Graphics2D g = out.createGraphics();
        g.drawImage(img, t, null);
        g.dispose();
        return out;
    }

    private byte[] encodeJpeg(BufferedImage img) throws TJException {
        try (TJCompressor c = new TJCompressor(img, 0, 0, img.getWidth(), img.getHeight())) {
            c.setSubsamp(TJ.SAMP_420);
            c.setJPEGQuality(quality);
            byte[] buf = c.compress(0);
            return Arrays.copyOf(buf, c.getCompressedSize());
        }
    }

    private static byte[] encodePng(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", out)) {
            throw new IOException("no PNG writer");
        }
        return out.toByteArray();
    }
}
