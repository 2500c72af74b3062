package imagepipelines.routes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * A bean's constructor may name only beans of its own YAML file or of routes/clients/ (loaded first): Camel loads
 * the files of one folder in the order the class path lists them, which differs between target/classes (the tests)
 * and the jar (the launcher, the image), so a reference across two files of one folder worked in the tests and
 * stopped the demo (ingest-bulk-beans -> noOverwriteCopy) and the image (route-toggles -> s3Client).
 */
class BeanWiringOrderTest {

    private static final Path ROUTES = Path.of("src/main/resources/routes");
    private static final Pattern DEFINED = Pattern.compile("(?m)^\\s*- name: (\\S+)");
    private static final Pattern CONSTRUCTOR_REF = Pattern.compile("(?m)^\\s+\\d+: \"#bean:(\\w+)\"");

    @Test
    void constructorReferencesStayInTheirFileOrCommon() throws IOException {
        Set<String> common = defined(ROUTES.resolve("clients"));
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROUTES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                String text = Files.readString(f);
                Set<String> own = names(text);
                Matcher m = CONSTRUCTOR_REF.matcher(text);
                while (m.find()) {
                    if (!own.contains(m.group(1)) && !common.contains(m.group(1))) {
                        problems.add(ROUTES.relativize(f) + " -> " + m.group(1));
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), "constructor references to beans of another file: " + problems);
    }

    private static Set<String> defined(Path dir) throws IOException {
        Set<String> all = new HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                all.addAll(names(Files.readString(f)));
            }
        }
        return all;
    }

    private static Set<String> names(String yaml) {
        Set<String> names = new HashSet<>();
        Matcher m = DEFINED.matcher(yaml);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
