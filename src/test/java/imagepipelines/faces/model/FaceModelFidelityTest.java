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
 * same SSD faces, same tiny-detector faces, encodings with cosine similarity >= 0.999, and after confirmation the
 * faces the images really hold. Fails, never skips, when Node or the models are missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaceModelFidelityTest {
    static final double MIN_COSINE = 0.999;

    /**
     * Faces per image after confirmation, known from the image content. demo/sample2 shows three people but one in
     * full profile, which the tiny detector does not confirm (SSD finds it at 0.76).
     */
    static final Map<String, Integer> KNOWN_COUNTS = Map.ofEntries(
            Map.entry("astronaut-1face.png", 1), Map.entry("cameraman-gray-1face.png", 1),
            Map.entry("cat-0faces.png", 0), Map.entry("dogs-0faces.jpg", 0), Map.entry("group-6faces.jpg", 6),
            Map.entry("demo/sample1.jpg", 3), Map.entry("demo/sample2.jpg", 2), Map.entry("demo/sample3.jpg", 3),
            Map.entry("demo/sample4.jpg", 4), Map.entry("demo/sample5.jpg", 5), Map.entry("demo/sample6.jpg", 4));

    final Map<String, Tensor> images = new LinkedHashMap<>();
    /** face-api's pipeline without confirmation: every SSD face, so encodings are compared on all of them. */
    final Map<String, List<DetectedFace>> raw = new LinkedHashMap<>();
    /** The default analyzer: SSD faces confirmed by the tiny detector. */
    final Map<String, List<DetectedFace>> confirmed = new LinkedHashMap<>();
    /** Tiny detector faces per image and input size. */
    final Map<String, Map<Integer, List<Detection>>> tiny = new LinkedHashMap<>();
    Map<String, JsonNode> reference;

    @BeforeAll
    void runBoth(@TempDir Path tmp) throws Exception {
        Path models = FaceTestSupport.modelDir();
        Path nodeModules = FaceTestSupport.referenceNodeModules();
        for (String name : FaceTestSupport.SAMPLES) {
            images.put(name, RgbImage.toTensor(FaceTestSupport.sample(name)));
        }
        for (Path demo : FaceTestSupport.referenceSamples()) {
            images.put("demo/" + demo.getFileName(),
                    RgbImage.toTensor(FaceImageDecoder.decode(java.nio.file.Files.readAllBytes(demo))));
        }
        FaceAnalyzer.Options options = FaceAnalyzer.Options.defaults();
        reference = FaceApiReference.run(models, nodeModules, images, tmp, options);
        FaceAnalyzer analyzer = new FaceAnalyzer(models, options);
        FaceAnalyzer faceApi = new FaceAnalyzer(models, FaceAnalyzer.Options.faceApi());
        for (Map.Entry<String, Tensor> e : images.entrySet()) {
            raw.put(e.getKey(), faceApi.analyze(e.getValue()));
            confirmed.put(e.getKey(), analyzer.analyze(e.getValue()));
            Map<Integer, List<Detection>> bySize = new LinkedHashMap<>();
            for (int size : options.tinyInputSizes()) {
                bySize.put(size, analyzer.detectTiny(e.getValue(), size));
            }
            tiny.put(e.getKey(), bySize);
        }
    }

    @Test
    void ssdFindsTheSameFacesAsTheReference() {
        for (String name : images.keySet()) {
            int js = reference.get(name).get("faces").size();
            System.out.printf("%-26s SSD faces: javascript %d, java %d%n", name, js, raw.get(name).size());
            assertEquals(js, raw.get(name).size(), name + ": SSD face count differs from face-api's JavaScript");
        }
    }

    @Test
    void tinyDetectorFindsTheSameFacesAsTheReference() {
        for (String name : images.keySet()) {
            for (Map.Entry<Integer, List<Detection>> e : tiny.get(name).entrySet()) {
                JsonNode js = reference.get(name).get("tiny").get(String.valueOf(e.getKey()));
                List<Detection> jv = e.getValue();
                String what = name + " tiny@" + e.getKey();
                assertEquals(js.size(), jv.size(), what + ": face count differs from face-api's JavaScript");
                for (JsonNode d : js) {
                    FaceBox box = box(d.get("box"));
                    double best = jv.stream().mapToDouble(j -> j.box().iou(box)).max().orElse(0);
                    assertTrue(best > 0.99, what + ": no Java box matching " + box + " (best IoU " + best + ")");
                }
            }
        }
    }

    @Test
    void confirmedFacesAreTheRealOnes() {
        for (String name : images.keySet()) {
            long js = 0;
            for (JsonNode f : reference.get(name).get("faces")) {
                js += f.get("confirmed").asBoolean() ? 1 : 0;
            }
            int jv = confirmed.get(name).size();
            System.out.printf("%-26s confirmed faces: javascript %d, java %d%n", name, js, jv);
            assertEquals(js, jv, name + ": confirmed face count differs from the same rule applied in JavaScript");
            if (KNOWN_COUNTS.containsKey(name)) {
                assertEquals(KNOWN_COUNTS.get(name), jv, name + ": face count");
            }
        }
        assertEquals(List.of(), confirmed.get("cat-0faces.png"));
        assertEquals(List.of(), confirmed.get("dogs-0faces.jpg"));
    }

    @Test
    void encodingsMatchTheReference() {
        List<String> failures = new ArrayList<>();
        int compared = 0;
        for (String name : images.keySet()) {
            List<DetectedFace> jvFaces = new ArrayList<>(raw.get(name));
            for (JsonNode jsFace : reference.get(name).get("faces")) {
                FaceBox jsBox = box(jsFace.get("box"));
                DetectedFace best = null;
                double bestIou = 0;
                for (DetectedFace f : jvFaces) {
                    double iou = f.box().iou(jsBox);
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
                compared++;
                System.out.printf("%-26s score js %.4f java %.4f box IoU %.6f aligned js %s java [%.0f,%.0f,%.0f,%.0f]"
                                + " cosine %.9f distance %.2e%n", name, jsFace.get("score").asDouble(), best.score(),
                        bestIou, jsFace.get("alignedBox"), best.alignedBox().x(), best.alignedBox().y(),
                        best.alignedBox().width(), best.alignedBox().height(), cos, dist);
                if (cos < MIN_COSINE) {
                    failures.add(String.format("%s: cosine %.6f < %.3f (box %s)", name, cos, MIN_COSINE, jsBox));
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(compared >= 30, "too few faces compared: " + compared);
    }

    @Test
    void sameFaceIsCloseDifferentFacesAreFar() {
        float[] astronaut = confirmed.get("astronaut-1face.png").get(0).encoding();
        float[] cameraman = confirmed.get("cameraman-gray-1face.png").get(0).encoding();
        assertEquals(128, astronaut.length);
        assertEquals(0.0, FaceAnalyzer.distance(astronaut, astronaut), 1e-12);
        assertTrue(FaceAnalyzer.distance(astronaut, cameraman) > 0.49,
                "different people should be further apart than the site's match threshold");
        List<DetectedFace> group = confirmed.get("group-6faces.jpg");
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
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
