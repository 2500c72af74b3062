package imagepipelines.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imagepipelines.faces.FacesModel;
import imagepipelines.faces.model.DetectedFace;
import imagepipelines.faces.model.FaceAnalyzer;
import imagepipelines.faces.model.FaceImageDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code faces FILE...}: the faces of local images as JSON (boxes in source pixels, 128-float encodings), what the
 * faces workflow would post. {@code faces --distance A B}: the Euclidean distance between the first faces of two
 * images (the members' site matches below 0.49). Models from {@code $IMAGE_PIPELINES_MODELS} or models/face-api.
 */
@Command(name = "faces",
        description = "the faces of local images as JSON: boxes and 128-float encodings; with --distance A B the "
        + "Euclidean distance between the first faces of two images (same person < 0.49)")
final class FacesCommand implements Callable<Integer> {

    static final double SAME_PERSON = 0.49;

    @Option(names = "--distance", arity = "2", paramLabel = "IMAGE", description = "A B: distance of their first faces")
    List<String> distance;

    @Parameters(arity = "0..*", paramLabel = "FILE")
    List<String> files = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if ((distance == null) == files.isEmpty()) { // neither, or both
            throw new ParameterException(spec.commandLine(), "faces takes FILE... or --distance A B");
        }
        FaceAnalyzer analyzer;
        try {
            // not FacesModel.load: its log line would mix with the JSON on stdout
            analyzer = new FaceAnalyzer(FacesModel.checkedDir(null));
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        if (distance != null) {
            float[][] enc = new float[2][];
            for (int i = 0; i < 2; i++) {
                List<DetectedFace> faces = analyzer.analyze(FaceImageDecoder.decode(Files.readAllBytes(Path.of(distance.get(i)))));
                if (faces.isEmpty()) {
                    System.err.println("no face found in " + distance.get(i));
                    return 1;
                }
                enc[i] = faces.get(0).encoding();
            }
            double d = FaceAnalyzer.distance(enc[0], enc[1]);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("a", distance.get(0));
            out.put("b", distance.get(1));
            out.put("distance", d);
            out.put("same_person", d < SAME_PERSON);
            System.out.println(json.writeValueAsString(out));
            return 0;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        int code = 0;
        for (String f : files) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", f);
            try {
                BufferedImage img = FaceImageDecoder.decode(Files.readAllBytes(Path.of(f)));
                m.put("width", img.getWidth());
                m.put("height", img.getHeight());
                List<Map<String, Object>> faces = new ArrayList<>();
                for (DetectedFace face : analyzer.analyze(img)) {
                    Map<String, Object> fm = new LinkedHashMap<>();
                    fm.put("score", face.score());
                    Map<String, Object> box = new LinkedHashMap<>();
                    box.put("x", face.box().x());
                    box.put("y", face.box().y());
                    box.put("width", face.box().width());
                    box.put("height", face.box().height());
                    fm.put("box", box);
                    fm.put("encoding", face.encoding());
                    faces.add(fm);
                }
                m.put("faces", faces);
            } catch (Exception e) {
                m.put("error", e.getMessage());
                code = 1;
            }
            out.add(m);
        }
        System.out.println(json.writeValueAsString(out));
        return code;
    }
}
