package imagepipelines.faces;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import imagepipelines.faces.model.DetectedFace;
import imagepipelines.faces.model.FaceAnalyzer;
import imagepipelines.faces.model.FaceImageDecoder;

/** Decodes a downloaded photo (JPEG/PNG/WebP, EXIF orientation) and computes its faces' encodings. */
public final class FaceEncoder {

    private final FaceAnalyzer analyzer;
    private final long maxPixels;
    private final FacesStats stats;

    public FaceEncoder(FaceAnalyzer analyzer, long maxPixels, FacesStats stats) {
        this.analyzer = analyzer;
        this.maxPixels = maxPixels;
        this.stats = stats;
    }

    public List<float[]> encodings(byte[] photo) throws FaceSourceException {
        long t0 = System.nanoTime();
        long[] size = ImageDimensions.of(photo);
        if (size != null && size[0] * size[1] > maxPixels) {
            throw new FaceSourceException("image of " + size[0] + "x" + size[1]
                    + " pixels is larger than faces.max-pixels (" + maxPixels + ")");
        }
        BufferedImage img;
        try {
            img = FaceImageDecoder.decode(photo);
        } catch (IOException | RuntimeException e) {
            // no IOException as cause: this is permanent, not a transient I/O problem
            String m = String.valueOf(e.getMessage());
            throw new FaceSourceException(m.startsWith("not a decodable image") ? m
                    : "not a decodable image (JPEG, PNG or WebP expected): " + m);
        } catch (OutOfMemoryError e) {
            throw new FaceSourceException("image too large to decode");
        }
        if ((long) img.getWidth() * img.getHeight() > maxPixels) {
            throw new FaceSourceException("image of " + img.getWidth() + "x" + img.getHeight()
                    + " pixels is larger than faces.max-pixels (" + maxPixels + ")");
        }
        long t1 = System.nanoTime();
        List<DetectedFace> faces = analyzer.analyze(img);
        long t2 = System.nanoTime();
        stats.add("decode", t1 - t0);
        stats.add("analyze", t2 - t1);
        List<float[]> out = new ArrayList<>(faces.size());
        for (DetectedFace f : faces) {
            out.add(f.encoding());
        }
        return out;
    }
}
