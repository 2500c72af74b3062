package imagepipelines.faces.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.junit.jupiter.api.Test;

class FaceImageDecoderTest {
    static byte[] resource(String name) throws IOException {
        try (InputStream in = FaceImageDecoderTest.class.getResourceAsStream("/faces/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    @Test
    void orientationMapsCornersLikeExif() {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xff0000);  // top-left red
        img.setRGB(2, 0, 0x00ff00);  // top-right green
        BufferedImage r6 = FaceImageDecoder.orient(img, 6);  // rotate 90 clockwise
        assertEquals(2, r6.getWidth());
        assertEquals(3, r6.getHeight());
        assertEquals(0xff0000, r6.getRGB(1, 0) & 0xffffff);
        assertEquals(0x00ff00, r6.getRGB(1, 2) & 0xffffff);
        BufferedImage r8 = FaceImageDecoder.orient(img, 8);  // rotate 90 anticlockwise
        assertEquals(0xff0000, r8.getRGB(0, 2) & 0xffffff);
        assertEquals(0x00ff00, r8.getRGB(0, 0) & 0xffffff);
        BufferedImage r3 = FaceImageDecoder.orient(img, 3);
        assertEquals(0xff0000, r3.getRGB(2, 1) & 0xffffff);
        BufferedImage r2 = FaceImageDecoder.orient(img, 2);
        assertEquals(0xff0000, r2.getRGB(2, 0) & 0xffffff);
        assertEquals(img, FaceImageDecoder.orient(img, 1));
    }

    @Test
    void decodesWebpAndFindsTheFace() throws Exception {
        BufferedImage img = FaceImageDecoder.decode(resource("astronaut-1face.webp"));
        assertEquals(512, img.getWidth());
        assertEquals(512, img.getHeight());
        FaceAnalyzer analyzer = new FaceAnalyzer(FaceTestSupport.modelDir());
        List<DetectedFace> faces = analyzer.analyze(img);
        assertEquals(1, faces.size());
        float[] png = analyzer.analyze(FaceTestSupport.sample("astronaut-1face.png")).get(0).encoding();
        double d = FaceAnalyzer.distance(png, faces.get(0).encoding());
        assertTrue(d < 0.2, "same photo as WebP should encode close to the PNG: " + d);
    }

    @Test
    void appliesExifOrientationBeforeDetection() throws Exception {
        byte[] jpeg = resource("astronaut-1face-exif6.jpg");
        assertEquals(6, FaceImageDecoder.exifOrientation(jpeg));
        BufferedImage upright = FaceImageDecoder.decode(jpeg);
        assertEquals(512, upright.getWidth());
        FaceAnalyzer analyzer = new FaceAnalyzer(FaceTestSupport.modelDir());
        List<DetectedFace> faces = analyzer.analyze(upright);
        assertEquals(1, faces.size());
        // upright: the face is in the upper half, as in the PNG
        assertTrue(faces.get(0).box().y() < 200, faces.get(0).box().toString());
        float[] png = analyzer.analyze(FaceTestSupport.sample("astronaut-1face.png")).get(0).encoding();
        assertTrue(FaceAnalyzer.distance(png, faces.get(0).encoding()) < 0.2);
    }

    @Test
    void libwebpAndImageIoDecodeTheSamePicture() throws Exception {
        byte[] webp = resource("astronaut-1200x900.webp");
        assertTrue(FaceImageDecoder.isWebp(webp));
        BufferedImage viaImageIo = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(webp));
        BufferedImage decoded = FaceImageDecoder.decode(webp);
        System.out.println("WebP decoded with " + (FaceImageDecoder.nativeWebp() ? "libwebp" : "ImageIO"));
        assertEquals(viaImageIo.getWidth(), decoded.getWidth());
        assertEquals(viaImageIo.getHeight(), decoded.getHeight());
        // two VP8 decoders differ by a few levels: measured against the PNG this WebP was made from, libwebp is off by
        // 1.5 levels on average and the ImageIO plugin by 3.5 (chroma upsampling), 3.1 between the two
        double sum = 0;
        for (int y = 0; y < decoded.getHeight(); y += 3) {
            for (int x = 0; x < decoded.getWidth(); x += 3) {
                int a = decoded.getRGB(x, y);
                int b = viaImageIo.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff));
                }
            }
        }
        double mean = sum / ((decoded.getHeight() / 3 + 1) * (decoded.getWidth() / 3 + 1) * 3.0);
        assertTrue(mean < 5, "mean absolute difference " + mean);
    }

    @Test
    void rejectsNonImages() {
        assertThrows(IOException.class, () -> FaceImageDecoder.decode("not an image".getBytes()));
        assertEquals(1, FaceImageDecoder.exifOrientation(new byte[] {1, 2, 3}));
    }
}
