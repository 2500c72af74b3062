package imagepipelines.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import javax.imageio.ImageIO;

import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.Test;

class ThumbnailMakerTest {

    final ThumbnailMaker maker = new ThumbnailMaker(940, 120, 85, 60_000_000);

    static BufferedImage decode(byte[] b) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(b));
    }

    @Test
    void fitsInsideTheBoxesFromAScaledDecode() throws Exception {
        var t = maker.make(TestPipelines.resource("/camera-trap/bushnell_trophy_hd_aggressor.jpg"));
        assertEquals(3264, t.width());
        BufferedImage m = decode(t.medium());
        BufferedImage s = decode(t.small());
        assertEquals(940, m.getWidth());
        assertEquals(705, m.getHeight());
        assertEquals(120, s.getWidth());
        assertEquals(90, s.getHeight());
    }

    @Test
    void neverUpscalesASmallImage() throws Exception {
        var t = maker.make(TestPipelines.resource("/camera-trap/reconyx_hc550_small.jpg")); // 600x450
        BufferedImage m = decode(t.medium());
        assertEquals(600, m.getWidth());
        assertEquals(450, m.getHeight());
    }

    @Test
    void appliesExifOrientation() throws Exception {
        // a landscape frame tagged "rotate 90 clockwise" must come out portrait
        BufferedImage landscape = new BufferedImage(400, 200, BufferedImage.TYPE_INT_RGB);
        var g = landscape.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 200, 200); // left half white, right half black
        g.dispose();
        BufferedImage rotated = ThumbnailMaker.orient(landscape, 6);
        assertEquals(200, rotated.getWidth());
        assertEquals(400, rotated.getHeight());
        // rotating clockwise moves the left (white) half to the top
        assertEquals(0xFFFFFF, rotated.getRGB(100, 50) & 0xFFFFFF);
        assertEquals(0, rotated.getRGB(100, 350) & 0xFFFFFF);
        BufferedImage ccw = ThumbnailMaker.orient(landscape, 8);
        assertEquals(0xFFFFFF, ccw.getRGB(100, 350) & 0xFFFFFF);
        BufferedImage mirrored = ThumbnailMaker.orient(landscape, 2);
        assertEquals(0xFFFFFF, mirrored.getRGB(350, 100) & 0xFFFFFF);
    }

    @Test
    void pngWithAlphaKeepsItsTransparency() throws Exception {
        var t = maker.make(TestImages.pngWithAlpha());
        BufferedImage m = decode(t.medium());
        assertEquals(940, m.getWidth());
        assertTrue(m.getColorModel().hasAlpha());
        assertEquals(0, m.getRGB(900, 300) >>> 24, "right half stays transparent");
        assertEquals(255, m.getRGB(100, 300) >>> 24);
    }

    @Test
    void refusesAHeaderClaimingAHugeImageWithoutDecodingIt() {
        byte[] bomb = TestImages.claimingSize(TestPipelines.resource("/camera-trap/bushnell_small.jpg"), 30000, 30000);
        var e = assertThrows(UndecodableImageException.class, () -> maker.make(bomb));
        assertTrue(e.getMessage().contains("30000x30000"), e.getMessage());
    }

    @Test
    void refusesTruncatedEmptyAndNonImageFiles() {
        byte[] jpg = TestPipelines.resource("/camera-trap/reconyx_hc550_small.jpg");
        assertTrue(assertThrows(UndecodableImageException.class, () -> maker.make(TestImages.truncated(jpg, 0.5)))
                .getMessage().contains("truncated"));
        assertTrue(assertThrows(UndecodableImageException.class, () -> maker.make(new byte[0]))
                .getMessage().contains("empty"));
        assertTrue(assertThrows(UndecodableImageException.class,
                () -> maker.make("just some text\n".getBytes(StandardCharsets.UTF_8))).getMessage().contains("not a JPEG or PNG"));
    }
}
