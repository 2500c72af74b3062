package imagepipelines.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import imagepipelines.EmbeddedStack;
import imagepipelines.cli.LocalCommands;
import imagepipelines.local.LocalStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.Bucket;

/**
 * The boundary between production code (src/main/java, image-pipelines.jar) and what only the local default, the
 * demo and the benchmarks run (src/local/java, image-pipelines-local.jar): production sources name nothing of it,
 * every local class sits in a package the production jar leaves out, and production reaches the local stack only
 * through its ServiceLoader interfaces.
 */
class ProductionBoundaryTest {

    private static final Path MAIN = Path.of("src/main/java");
    private static final Path LOCAL = Path.of("src/local/java");
    private static final Pattern LOCAL_NAME = Pattern.compile(
            "(?<![\\w.])(imagepipelines\\.(local|bench)|org\\.gaul|org\\.elasticmq|org\\.apache\\.pekko)\\.[\\w.*]+"
                    + "|^\\s*import\\s+(static\\s+)?graphql\\.[\\w.*]+", Pattern.MULTILINE);
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    @Test
    void productionSourcesNameNoLocalClassAndNoLocalServer() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path f : javaFiles(MAIN)) {
            Matcher m = LOCAL_NAME.matcher(COMMENT.matcher(Files.readString(f)).replaceAll(""));
            while (m.find()) {
                found.add(MAIN.relativize(f) + ": " + m.group().trim());
            }
        }
        assertEquals(List.of(), found, "production code may reach the local stack only through EmbeddedStack and"
                + " LocalCommands (ServiceLoader), and never its servers");
    }

    @Test
    void theScanSeesAnImportAndAFullyQualifiedName() {
        String code = "package x;\nimport imagepipelines.local.LocalStack;\n// imagepipelines.bench.X in a comment\n"
                + "class A { Object o = new imagepipelines.bench.IngestBenchmark(); }\nimport graphql.GraphQL;\n";
        List<String> hits = new ArrayList<>();
        Matcher m = LOCAL_NAME.matcher(COMMENT.matcher(code).replaceAll(""));
        while (m.find()) {
            hits.add(m.group().trim());
        }
        assertEquals(List.of("imagepipelines.local.LocalStack", "imagepipelines.bench.IngestBenchmark",
                "import graphql.GraphQL"), hits);
    }

    @Test
    void everyLocalClassIsInAPackageTheProductionJarLeavesOut() throws IOException {
        List<String> outside = new ArrayList<>();
        for (Path f : javaFiles(LOCAL)) {
            Matcher m = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE).matcher(Files.readString(f));
            String pkg = m.find() ? m.group(1) : "";
            if (!pkg.matches("imagepipelines\\.(local|bench)(\\..*)?")) {
                outside.add(LOCAL.relativize(f) + " (package " + pkg + ")");
            }
        }
        assertEquals(List.of(), outside, "pom.xml's jar excludes cover imagepipelines/local/** and imagepipelines/bench/**");
        for (Path f : javaFiles(MAIN)) {
            String rel = MAIN.relativize(f).toString();
            assertTrue(!rel.startsWith("imagepipelines/local/") && !rel.startsWith("imagepipelines/bench/"),
                    rel + " belongs in src/local/java");
        }
    }

    @Test
    void theJarCheckRefusesALocalClassARegistrationAndALocalServerJar(@TempDir Path dir) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Path clean = jar(dir.resolve("clean.jar"), "imagepipelines/PipelinesApp.class", "imagepipelines/cli/Cli.class");
        Files.writeString(lib.resolve("camel-main-4.17.0.jar"), "");
        assertEquals(List.of(), ProductionJarCheck.violations(clean, lib));

        Path dirty = jar(dir.resolve("dirty.jar"), "imagepipelines/PipelinesApp.class",
                "imagepipelines/local/LocalStack.class", "imagepipelines/bench/IngestBenchmark.class",
                "META-INF/services/imagepipelines.cli.LocalCommands");
        Files.writeString(lib.resolve("s3proxy-4.1.0.jar"), "");
        Files.writeString(lib.resolve("elasticmq-rest-sqs_2.13-1.7.1.jar"), "");
        Files.writeString(lib.resolve("graphql-java-25.0.jar"), "");
        assertEquals(List.of("dirty.jar: imagepipelines/local/LocalStack.class",
                "dirty.jar: imagepipelines/bench/IngestBenchmark.class",
                "dirty.jar: META-INF/services/imagepipelines.cli.LocalCommands",
                "lib/elasticmq-rest-sqs_2.13-1.7.1.jar", "lib/graphql-java-25.0.jar", "lib/s3proxy-4.1.0.jar"),
                ProductionJarCheck.violations(dirty, lib));
    }

    @Test
    void productionFindsTheLocalStackAndCommandsThroughServiceLoader(@TempDir Path dir) throws Exception {
        try (EmbeddedStack stack = EmbeddedStack.start(dir, 0, 0, 0)) {
            LocalStack local = assertInstanceOf(LocalStack.class, stack);
            stack.provision(List.of("boundary-bucket"), List.of("boundary-queue"), 30);
            stack.provision(List.of("boundary-bucket"), List.of("boundary-queue"), 30); // twice: already there is fine
            assertTrue(local.s3().listBuckets().buckets().stream().map(Bucket::name).anyMatch("boundary-bucket"::equals));
            assertTrue(local.sqs().getQueueUrl(r -> r.queueName("boundary-queue-dlq")).queueUrl().endsWith("boundary-queue-dlq"));
            assertTrue(stack.properties().get("aws.s3.endpoint").startsWith("http://127.0.0.1:"));
        }
        List<String> commands = LocalCommands.onClassPath().stream().flatMap(set -> set.subcommands().stream())
                .map(c -> c.getClass().getAnnotation(picocli.CommandLine.Command.class).name()).toList();
        assertEquals(List.of("demo", "local-stack", "benchmark-faces", "benchmark-ingest", "benchmark-bulk",
                "benchmark-aerial", "faults"), commands);
    }

    private static List<Path> javaFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static Path jar(Path file, String... entries) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file))) {
            for (String e : entries) {
                out.putNextEntry(new JarEntry(e));
                out.closeEntry();
            }
        }
        return file;
    }
}
