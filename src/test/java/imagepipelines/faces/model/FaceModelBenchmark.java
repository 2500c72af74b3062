package imagepipelines.faces.model;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Per-stage timings on one thread for a 1200x900 photo with one face (the astronaut sample scaled to 900x900 on a
 * 1200x900 canvas), as WebP (the usual format of reference photos) and as JPEG. Decode includes reading the EXIF
 * orientation ({@link FaceImageDecoder}).
 * <p>Run: {@code mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt}, then
 * {@code taskset -c 0 java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(cat cp.txt)
 * imagepipelines.faces.model.FaceModelBenchmark [model dir] [iterations]}; {@link FaceModelBenchmarkTest} runs a
 * short version in the build.
 */
public final class FaceModelBenchmark {
    private FaceModelBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path models = args.length > 0 ? Path.of(args[0]) : FaceAnalyzer.defaultModelDir();
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        System.out.println(run(models, iterations));
    }

    static byte[] sampleJpeg() throws Exception {
        BufferedImage astronaut = FaceTestSupport.sample("astronaut-1face.png");
        BufferedImage canvas = new BufferedImage(1200, 900, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas.createGraphics();
        g.setColor(new Color(90, 110, 130));
        g.fillRect(0, 0, 1200, 900);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(astronaut, 150, 0, 900, 900, null);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(canvas, "jpg", out);
        return out.toByteArray();
    }

    static byte[] sampleWebp() throws Exception {
        try (InputStream in = FaceModelBenchmark.class.getResourceAsStream("/faces/astronaut-1200x900.webp")) {
            return in.readAllBytes();
        }
    }

    /** Runs both formats {@code iterations} times after a warm-up and returns a report of mean milliseconds. */
    static String run(Path models, int iterations) throws Exception {
        long t0 = System.nanoTime();
        FaceAnalyzer analyzer = new FaceAnalyzer(models);
        double loadMs = (System.nanoTime() - t0) / 1e6;
        StringBuilder report = new StringBuilder(String.format(
                "FaceModelBenchmark 1200x900 photo with one face, one thread, %d iterations after warm-up;"
                        + " model load %.0f ms (once); Vector API %s%n", iterations, loadMs,
                Gemm.VECTORISED ? "on" : "off (plain-Java fallback)"));
        report.append(measure(analyzer, "WebP", sampleWebp(), iterations)).append('\n');
        report.append(measure(analyzer, "JPEG", sampleJpeg(), iterations));
        return report.toString();
    }

    static String measure(FaceAnalyzer analyzer, String label, byte[] photo, int iterations) throws Exception {
        return FaceStageTimes.measure(analyzer, label, photo, Math.max(3, iterations / 2), iterations);
    }
}
