package imagepipelines.ingest;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

import javax.imageio.ImageIO;

/** Broken and unusual inputs, made from real samples. */
final class TestImages {

    private TestImages() {
    }

    /** The JPEG with its SOF0 frame header rewritten to claim width x height pixels. */
    static byte[] claimingSize(byte[] jpeg, int width, int height) {
        byte[] b = jpeg.clone();
        int i = 2;
        // walk the segments (an EXIF thumbnail inside APP1 has SOF markers of its own)
        while (i < b.length - 9 && (b[i] & 0xFF) == 0xFF) {
            int marker = b[i + 1] & 0xFF;
            int len = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            if (marker >= 0xC0 && marker <= 0xC3) {
                b[i + 5] = (byte) (height >> 8);
                b[i + 6] = (byte) height;
                b[i + 7] = (byte) (width >> 8);
                b[i + 8] = (byte) width;
                return b;
            }
            i += len + 2;
        }
        throw new IllegalArgumentException("no SOF marker");
    }

    static byte[] truncated(byte[] jpeg, double keep) {
        return Arrays.copyOf(jpeg, (int) (jpeg.length * keep));
    }

    /** A 1600x1000 PNG with a transparent half. */
    static byte[] pngWithAlpha() throws IOException {
        BufferedImage img = new BufferedImage(1600, 1000, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(200, 30, 30, 255));
        g.fillRect(0, 0, 800, 1000);
        g.setColor(new Color(0, 0, 255, 0));
        g.fillRect(800, 0, 800, 1000);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** The JPEG without its APP1 (EXIF) segments: the scan data stays, every tag goes. */
    static byte[] withoutExif(byte[] jpeg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int i = 2;
        while (i < jpeg.length - 4 && (jpeg[i] & 0xFF) == 0xFF) {
            int marker = jpeg[i + 1] & 0xFF;
            if (marker == 0xDA) {
                break; // start of scan: copy the rest
            }
            int len = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            if (marker < 0xE1 || marker > 0xEF) {
                out.write(jpeg, i, len + 2);
            }
            i += len + 2;
        }
        out.write(jpeg, i, jpeg.length - i);
        return out.toByteArray();
    }
}
