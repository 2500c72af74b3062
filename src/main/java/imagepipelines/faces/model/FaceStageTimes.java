package imagepipelines.faces.model;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Single-thread time per model stage on one photo (decode, to tensor, SSD detect, confirmation, landmarks,
 * encode), mean of {@code iterations} after {@code warmup} rounds: shared by the model benchmark and
 * {@code benchmark-faces}.
 */
public final class FaceStageTimes {

    private FaceStageTimes() {
    }

    public static String measure(FaceAnalyzer analyzer, String label, byte[] photo, int warmup, int iterations)
            throws Exception {
        double decode = 0, toTensor = 0, detect = 0, confirm = 0, landmarks = 0, encode = 0, total = 0;
        int faces = 0;
        for (int i = 0; i < warmup + iterations; i++) {
            long a = System.nanoTime();
            BufferedImage img = FaceImageDecoder.decode(photo);
            long b = System.nanoTime();
            Tensor rgb = RgbImage.toTensor(img);
            long c = System.nanoTime();
            List<Detection> ssd = analyzer.detectUnconfirmed(rgb);
            long c2 = System.nanoTime();
            List<Detection> dets = analyzer.confirm(rgb, ssd);
            long d = System.nanoTime();
            long lmNs = 0;
            long encNs = 0;
            for (Detection det : dets) {
                long e = System.nanoTime();
                FaceAnalyzer.Landmarks lm = analyzer.landmarks(rgb, det);
                long f = System.nanoTime();
                FaceBox aligned = FaceAligner.alignedBox(lm.points(), lm.cropWidth(), lm.cropHeight());
                analyzer.encode(RgbImage.cropClipped(rgb, aligned));
                long g = System.nanoTime();
                lmNs += f - e;
                encNs += g - f;
            }
            long z = System.nanoTime();
            if (i >= warmup) {
                decode += (b - a) / 1e6;
                toTensor += (c - b) / 1e6;
                detect += (c2 - c) / 1e6;
                confirm += (d - c2) / 1e6;
                landmarks += lmNs / 1e6;
                encode += encNs / 1e6;
                total += (z - a) / 1e6;
                faces = dets.size();
            }
        }
        int n = iterations;
        return String.format("  %s, %d face(s): decode %.1f ms, to tensor %.1f ms, detect (SSD 512) %.1f ms,"
                        + " confirm (tiny %s) %.1f ms, landmarks %.1f ms, encode %.1f ms; total %.1f ms"
                        + " = %.2f photos/s/core",
                label, faces, decode / n, toTensor / n, detect / n, analyzer.options().tinyInputSizes(), confirm / n,
                landmarks / n, encode / n, total / n, 1000.0 * n / total);
    }
}
