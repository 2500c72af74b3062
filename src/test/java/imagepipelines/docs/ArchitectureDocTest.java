package imagepipelines.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * docs/architecture.md's picture of stages and beans ("Stages and beans per workflow") against the YAML: every route
 * and bean of the three workflows is in it, and every route id or bean name it shows exists.
 */
class ArchitectureDocTest {

    private static final List<String> WORKFLOWS = List.of("ingest", "aerial", "faces");
    private static final Pattern ROUTE_LIKE = Pattern.compile("(?<![\\w/.-])(?:ingest|aerial|faces)-[a-z0-9-]*[a-z0-9](?![\\w.-])");
    private static final Pattern CAMEL_CASE = Pattern.compile("(?<![\\w.`])[a-z][a-z0-9]*[A-Z]\\w*(?![\\w(])");

    @Test
    void thePictureNamesEveryRouteAndBeanAndNothingElse() throws IOException {
        String doc = Files.readString(Path.of("docs/architecture.md"));
        String picture = doc.substring(doc.indexOf("## Stages and beans per workflow"),
                doc.indexOf("## Production code and the local stack"));
        Set<String> routes = new TreeSet<>();
        Set<String> otherIds = new TreeSet<>(); // route configurations and templates
        Set<String> beans = new TreeSet<>();
        Set<String> commonBeans = new TreeSet<>();
        for (String dir : List.of("clients", "common", "ingest", "aerial", "faces")) {
            boolean workflow = WORKFLOWS.contains(dir);
            try (Stream<Path> files = Files.list(Path.of("src/main/resources/routes", dir))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                    for (Object item : (List<?>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(f))) {
                        Map<?, ?> m = (Map<?, ?>) item;
                        if (m.get("route") instanceof Map<?, ?> r && workflow) {
                            routes.add((String) r.get("id"));
                        } else if (m.get("templatedRoute") instanceof Map<?, ?> t && workflow) {
                            routes.add((String) t.get("routeId"));
                        } else if (m.get("routeConfiguration") instanceof Map<?, ?> c) {
                            otherIds.add((String) c.get("id"));
                        } else if (m.get("routeTemplate") instanceof Map<?, ?> t) {
                            otherIds.add((String) t.get("id"));
                        } else if (m.get("beans") instanceof List<?> bs) {
                            for (Object b : bs) {
                                (workflow ? beans : commonBeans).add((String) ((Map<?, ?>) b).get("name"));
                            }
                        }
                    }
                }
            }
        }
        Set<String> shownRoutes = matches(ROUTE_LIKE, picture);
        Set<String> shownNames = matches(CAMEL_CASE, picture);

        Set<String> missingRoutes = new TreeSet<>(routes);
        missingRoutes.removeAll(shownRoutes);
        Set<String> missingBeans = new TreeSet<>(beans);
        missingBeans.removeAll(shownNames);
        Set<String> unknownRoutes = new TreeSet<>(shownRoutes);
        unknownRoutes.removeAll(routes);
        unknownRoutes.removeAll(otherIds);
        Set<String> unknownBeans = new TreeSet<>(shownNames);
        unknownBeans.removeAll(beans);
        unknownBeans.removeAll(commonBeans);
        assertEquals("", (missingRoutes.isEmpty() ? "" : "routes not in the picture: " + missingRoutes + "\n")
                + (missingBeans.isEmpty() ? "" : "beans not in the picture: " + missingBeans + "\n")
                + (unknownRoutes.isEmpty() ? "" : "route ids in the picture but not in the YAML: " + unknownRoutes + "\n")
                + (unknownBeans.isEmpty() ? "" : "bean names in the picture but not in the YAML: " + unknownBeans + "\n"),
                "docs/architecture.md, \"Stages and beans per workflow\", against src/main/resources/routes");
    }

    private static Set<String> matches(Pattern p, String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
