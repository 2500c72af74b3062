package imagepipelines.faces.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/** The public API on the real models (which must be present: the test fails, not skips, without them). */
class FaceAnalyzerTest {
    @Test
    void oneInstanceServesConcurrentCallersWithIdenticalResults() throws Exception {
        FaceAnalyzer analyzer = new FaceAnalyzer(FaceTestSupport.modelDir());
        BufferedImage group = FaceTestSupport.sample("group-6faces.jpg");
        BufferedImage astronaut = FaceTestSupport.sample("astronaut-1face.png");
        List<DetectedFace> groupAlone = analyzer.analyze(group);
        List<DetectedFace> astronautAlone = analyzer.analyze(astronaut);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<DetectedFace>>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                BufferedImage img = i % 2 == 0 ? group : astronaut;
                futures.add(pool.submit(() -> analyzer.analyze(img)));
            }
            for (int i = 0; i < futures.size(); i++) {
                List<DetectedFace> expected = i % 2 == 0 ? groupAlone : astronautAlone;
                List<DetectedFace> actual = futures.get(i).get();
                assertEquals(expected.size(), actual.size());
                for (int f = 0; f < expected.size(); f++) {
                    assertArrayEquals(expected.get(f).encoding(), actual.get(f).encoding());
                    assertEquals(expected.get(f).box(), actual.get(f).box());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void warmUpMakesTheFirstPhotoFast() throws Exception {
        FaceAnalyzer analyzer = new FaceAnalyzer(FaceTestSupport.modelDir());
        analyzer.warmUp(3);
        BufferedImage astronaut = FaceTestSupport.sample("astronaut-1face.png");
        long t0 = System.nanoTime();
        assertEquals(1, analyzer.analyze(astronaut).size());
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf("first photo after warm-up: %.0f ms%n", ms);
        assertTrue(ms < 1500, "first photo after warm-up took " + ms + " ms");
    }

    @Test
    void detectedFaceCarriesBoxLandmarksAndEncoding() throws Exception {
        FaceAnalyzer analyzer = new FaceAnalyzer(FaceTestSupport.modelDir());
        List<DetectedFace> faces = analyzer.analyze(FaceTestSupport.sample("astronaut-1face.png"));
        assertEquals(1, faces.size());
        DetectedFace f = faces.get(0);
        assertEquals(128, f.encoding().length);
        assertEquals(136, f.landmarks().length);
        assertTrue(f.score() > 0.9 && f.score() < 1.0, "score " + f.score());
        // the astronaut's face lies around x 180-265, y 70-175 of the 512x512 image
        assertTrue(f.box().x() > 150 && f.box().right() < 300 && f.box().y() > 40 && f.box().bottom() < 200,
                f.box().toString());
        for (int i = 0; i < 136; i += 2) {
            assertTrue(f.landmarks()[i] > f.box().x() - 20 && f.landmarks()[i] < f.box().right() + 20, "landmark x");
        }
        double norm = 0;
        for (float v : f.encoding()) {
            norm += v * v;
        }
        // dlib descriptors are not normalised but their length is close to 1 for real faces
        assertTrue(Math.sqrt(norm) > 0.3 && Math.sqrt(norm) < 2, "encoding length " + Math.sqrt(norm));
    }
}
