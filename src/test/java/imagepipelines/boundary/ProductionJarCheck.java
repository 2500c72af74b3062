package imagepipelines.boundary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the production artifact must not hold: the classes of src/local (embedded stack, stand-ins, demo,
 * benchmarks), their ServiceLoader registrations, and the local stack's servers in target/lib. ProductionJarTest
 * applies it to the jar the build just made; ProductionBoundaryTest shows it finds each kind.
 */
public final class ProductionJarCheck {

    private static final Pattern LOCAL_ENTRY = Pattern.compile("^(imagepipelines/(local|bench)/|META-INF/services/imagepipelines\\.).*");
    private static final Pattern LOCAL_JAR = Pattern.compile("^(s3proxy|elasticmq|pekko|scala|jclouds|graphql-java)[-_].*\\.jar$");

    private ProductionJarCheck() {
    }

    /** The offending jar entries and library jars; empty when the production artifact is clean. */
    public static List<String> violations(Path jar, Path libDir) throws IOException {
        List<String> out = new ArrayList<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            if (j.getEntry("imagepipelines/PipelinesApp.class") == null) {
                out.add(jar + ": no imagepipelines/PipelinesApp.class (not the production jar?)");
            }
            j.stream().map(e -> e.getName()).filter(n -> LOCAL_ENTRY.matcher(n).matches())
                    .forEach(n -> out.add(jar.getFileName() + ": " + n));
        }
        if (Files.isDirectory(libDir)) {
            try (Stream<Path> files = Files.list(libDir)) {
                files.map(f -> f.getFileName().toString()).filter(n -> LOCAL_JAR.matcher(n).matches()).sorted()
                        .forEach(n -> out.add(libDir.getFileName() + "/" + n));
            }
        }
        return out;
    }
}
