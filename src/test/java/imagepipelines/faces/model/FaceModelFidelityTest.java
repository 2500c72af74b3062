package imagepipelines.faces.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java pipeline against face-api 1.7.15's own JavaScript (tfjs CPU backend under Node) on the same pixels:
 * same faces, encodings with cosine similarity >= 0.999. Fails, never skips, when Node or the models are missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaceModelFidelityTest {
    static final double MIN_COSINE = 0.999;

    /** Faces per sample known from the image content; the group photo is checked against what the reference finds. */
    static final Map<String, Integer> KNOWN_COUNTS = Map.of(
            "astronaut-1face.png", 1, "cameraman-gray-1face.png", 1);

    final Map<String, Tensor> images = new LinkedHashMap<>();
    final Map<String, List<DetectedFace>> java = new LinkedHashMap<>();
    Map<String, JsonNode> reference;

    @BeforeAll
    void runBoth(@TempDir Path tmp) throws Exception {
        Path models = FaceTestSupport.modelDir();
        Path nodeModules = FaceTestSupport.referenceNodeModules();
        for (String name : FaceTestSupport.SAMPLES) {
            images.put(name, RgbImage.toTensor(FaceTestSupport.sample(name)));
        }
        reference = FaceApiReference.run(models, nodeModules, images, tmp);
        FaceAnalyzer analyzer = new FaceAnalyzer(models);
        for (Map.Entry<String, Tensor> e : images.entrySet()) {
            java.put(e.getKey(), analyzer.analyze(e.getValue()));
        }
    }

    @Test
    void faceCountsMatchTheReferenceAndTheImages() {
        for (String name : FaceTestSupport.SAMPLES) {
            int js = reference.get(name).get("faces").size();
            int jv = java.get(name).size();
            System.out.printf("%-26s faces: javascript %d, java %d%n", name, js, jv);
            assertEquals(js, jv, name + ": face count differs from face-api's JavaScript");
            if (KNOWN_COUNTS.containsKey(name)) {
                assertEquals(KNOWN_COUNTS.get(name), jv, name + ": face count");
            }
        }
        assertTrue(java.get("group-6faces.jpg").size() >= 1, "group photo: no face found");
    }

    @Test
    void encodingsMatchTheReference() {
        List<String> failures = new ArrayList<>();
        for (String name : FaceTestSupport.SAMPLES) {
            JsonNode jsFaces = reference.get(name).get("faces");
            List<DetectedFace> jvFaces = new ArrayList<>(java.get(name));
            for (JsonNode jsFace : jsFaces) {
                FaceBox jsBox = box(jsFace.get("box"));
                DetectedFace best = null;
                double bestIou = 0;
                for (DetectedFace f : jvFaces) {
                    double iou = iou(jsBox, f.box());
                    if (iou > bestIou) {
                        bestIou = iou;
                        best = f;
                    }
                }
                if (best == null) {
                    failures.add(name + ": no Java face for JavaScript box " + jsBox);
                    continue;
                }
                jvFaces.remove(best);
                float[] jsEnc = floats(jsFace.get("descriptor"));
                double cos = cosine(jsEnc, best.encoding());
                double dist = FaceAnalyzer.distance(jsEnc, best.encoding());
                System.out.printf("%-26s box IoU %.4f aligned js %s java %s score js %.4f java %.4f"
                                + " cosine %.6f distance %.4f%n", name, bestIou, jsFace.get("alignedBox"),
                        best.alignedBox(), jsFace.get("score").asDouble(), best.score(), cos, dist);
                if (cos < MIN_COSINE) {
                    failures.add(String.format("%s: cosine %.6f < %.3f (box %s)", name, cos, MIN_COSINE, jsBox));
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void sameFaceIsCloseDifferentFacesAreFar() {
        float[] astronaut = java.get("astronaut-1face.png").get(0).encoding();
        float[] cameraman = java.get("cameraman-gray-1face.png").get(0).encoding();
        assertEquals(0.0, FaceAnalyzer.distance(astronaut, astronaut), 1e-12);
        assertTrue(FaceAnalyzer.distance(astronaut, cameraman) > 0.49,
                "different people should be further apart than the site's match threshold");
        List<DetectedFace> group = java.get("group-6faces.jpg");
        for (int i = 0; i < group.size(); i++) {
            for (int j = i + 1; j < group.size(); j++) {
                double d = FaceAnalyzer.distance(group.get(i).encoding(), group.get(j).encoding());
                assertTrue(d > 0.49, "group faces " + i + " and " + j + " too close: " + d);
            }
        }
    }

    static FaceBox box(JsonNode a) {
        return new FaceBox(a.get(0).asDouble(), a.get(1).asDouble(), a.get(2).asDouble(), a.get(3).asDouble());
    }

    static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) a.get(i).asDouble();
        }
        return f;
    }

    static double cosine(float[] a, float[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    static double iou(FaceBox a, FaceBox b) {
        double iw = Math.max(0, Math.min(a.right(), b.right()) - Math.max(a.x(), b.x()));
        double ih = Math.max(0, Math.min(a.bottom(), b.bottom()) - Math.max(a.y(), b.y()));
        double inter = iw * ih;
        return inter / (a.width() * a.height() + b.width() * b.height() - inter);
    }
}
