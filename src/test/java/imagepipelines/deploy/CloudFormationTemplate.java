package imagepipelines.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * A CloudFormation YAML template as plain maps and lists, its short-form tags ({@code !Ref X}, {@code !GetAtt A.B},
 * {@code !Sub ...}) turned into their long forms ({@code {Ref: X}}, {@code {Fn::GetAtt: [A, B]}}, ...), the way
 * CloudFormation reads them. Scalars stay strings.
 */
final class CloudFormationTemplate {

    private CloudFormationTemplate() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(Path file) throws IOException {
        LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).build();
        Composer composer = new Composer(settings, new ParserImpl(settings,
                new StreamReader(settings, Files.readString(file))));
        Node root = composer.getSingleNode().orElseThrow();
        return (Map<String, Object>) convert(root);
    }

    private static Object convert(Node node) {
        String tag = node.getTag().getValue();
        Object plain;
        if (node instanceof MappingNode m) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                map.put(((ScalarNode) t.getKeyNode()).getValue(), convert(t.getValueNode()));
            }
            plain = map;
        } else if (node instanceof SequenceNode s) {
            List<Object> list = new ArrayList<>();
            for (Node n : s.getValue()) {
                list.add(convert(n));
            }
            plain = list;
        } else {
            plain = ((ScalarNode) node).getValue();
        }
        if (!tag.startsWith("!") || tag.startsWith("!!")) {
            return plain;
        }
        String fn = tag.substring(1);
        if (fn.equals("Ref") || fn.equals("Condition")) {
            return Map.of(fn, plain);
        }
        if (fn.equals("GetAtt") && plain instanceof String s) {
            int dot = s.indexOf('.');
            return Map.of("Fn::GetAtt", List.of(s.substring(0, dot), s.substring(dot + 1)));
        }
        return Map.of("Fn::" + fn, plain);
    }
}
