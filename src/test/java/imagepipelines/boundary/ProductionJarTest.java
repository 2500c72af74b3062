package imagepipelines.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The jars the build just made (pom.xml runs this in the package phase, after both jars and both lib folders are
 * written; the test phase leaves it out): the production jar and target/lib hold nothing of src/local, and
 * image-pipelines-local.jar with target/lib-local carries it. Only that execution sets {@code boundary.jar.check}: a
 * {@code -Dtest=...} run in the test phase, before any jar exists, skips it.
 */
@EnabledIfSystemProperty(named = "boundary.jar.check", matches = "true")
class ProductionJarTest {

    private static final Path TARGET = Path.of("target");

    @Test
    void productionJarAndLibHoldNothingOfTheLocalStack() throws Exception {
        assertEquals(List.of(), ProductionJarCheck.violations(TARGET.resolve("image-pipelines.jar"), TARGET.resolve("lib")));
    }

    @Test
    void theLocalJarAndLibCarryTheLocalStack() throws Exception {
        try (JarFile local = new JarFile(TARGET.resolve("image-pipelines-local.jar").toFile())) {
            for (String e : List.of("imagepipelines/local/LocalStack.class", "imagepipelines/local/cli/DemoCommand.class",
                    "imagepipelines/bench/IngestBenchmark.class", "META-INF/services/imagepipelines.EmbeddedStack$Starter",
                    "META-INF/services/imagepipelines.cli.LocalCommands")) {
                assertNotNull(local.getEntry(e), e);
            }
            assertTrue(local.stream().noneMatch(e -> e.getName().startsWith("imagepipelines/ingest/")),
                    "the local jar holds only src/local");
        }
        try (Stream<Path> lib = Files.list(TARGET.resolve("lib-local"))) {
            List<String> names = lib.map(p -> p.getFileName().toString()).toList();
            for (String prefix : List.of("s3proxy-", "elasticmq-rest-sqs_2.13-", "graphql-java-")) {
                assertTrue(names.stream().anyMatch(n -> n.startsWith(prefix)), prefix + " in target/lib-local");
            }
        }
    }
}
