package imagepipelines.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import imagepipelines.local.LocalStack;
import imagepipelines.local.cli.LocalStackCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The documented Camel JBang way (docs/deploy.md): the embedded stack started on its own (what
 * {@code bin/image-pipelines local-stack} does), then Camel JBang's own CLI main class from camel-jbang-core
 * (its own class path, resolved by Maven from jbang/pom.xml; not the test's) runs {@code camel run
 * --properties=...} in a copy of the jbang/ folder laid out like the project. One camera-trap image uploaded with the
 * S3 client must come out as original, medium and small in the serving bucket, recorded with the API stand-in.
 */
class CamelJBangRunTest {

    @TempDir
    Path tmp;

    @Test
    void camelRunOfTheIngestRoutesIngestsAnImageFromTheLocalStack() throws Exception {
        Path project = Path.of("").toAbsolutePath();
        String jbangClasspath = resolveCamelJBang(project);

        // the project's layout as the documented command sees it: jbang/ (copied unchanged), src/, target/image-pipelines.jar
        Path root = tmp.resolve("project");
        Path jbangDir = Files.createDirectories(root.resolve("jbang"));
        for (String f : List.of("application.properties", "local.properties", "CamelMain.java")) {
            Files.copy(project.resolve("jbang").resolve(f), jbangDir.resolve(f));
        }
        Files.createSymbolicLink(root.resolve("src"), project.resolve("src"));
        jar(project.resolve("target/classes"), Files.createDirectories(root.resolve("target")).resolve("image-pipelines.jar"));

        Path stackProps = root.resolve(".local-data/local-stack.properties");
        try (LocalStack stack = LocalStackCommand.start(root.resolve(".local-data"), 0, 0, 0, stackProps)) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            // the documented command, plus a free port instead of 8080 (tests must not collide)
            List<String> cmd = new ArrayList<>(List.of("java", "-cp", jbangClasspath, "CamelMain.java", "run",
                    "--properties=../src/main/resources/application.properties,local.properties,"
                            + "../.local-data/local-stack.properties",
                    "--port=" + port, "--prop=camel.server.port=" + port));
            Path log = tmp.resolve("camel-run.log");
            Process camel = new ProcessBuilder(cmd).directory(jbangDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                byte[] jpeg = Files.readAllBytes(project.resolve("samples/camera-trap/reconyx_hc550_small.jpg"));
                stack.s3().putObject(r -> r.bucket("animl-images-ingestion-local").key("jbang/reconyx_hc550_small.jpg"),
                        RequestBody.fromBytes(jpeg));
                List<String> stored = List.of();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
                while (System.nanoTime() < deadline && stored.size() < 3 && camel.isAlive()) {
                    Thread.sleep(1000);
                    stored = stack.s3().listObjectsV2(r -> r.bucket("animl-images-serving-local")).contents()
                            .stream().map(S3Object::key).sorted().toList();
                }
                String out = Files.readString(log, StandardCharsets.ISO_8859_1);
                assertEquals(3, stored.size(), "serving bucket: " + stored + "\ncamel run output (tail):\n"
                        + out.substring(Math.max(0, out.length() - 6000)));
                assertTrue(stored.get(0).startsWith("medium/") && stored.get(1).startsWith("original/")
                        && stored.get(2).startsWith("small/"), stored.toString());
                // the delete follows the third output by a few milliseconds: on a busy machine the listing above can
                // fall between them (seen twice at 115 s runs), so give it up to 15 s
                long deleteDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (!stack.s3().listObjectsV2(r -> r.bucket("animl-images-ingestion-local")).contents().isEmpty()
                        && System.nanoTime() < deleteDeadline) {
                    Thread.sleep(200);
                }
                String outNow = Files.readString(log, StandardCharsets.ISO_8859_1);
                assertTrue(stack.s3().listObjectsV2(r -> r.bucket("animl-images-ingestion-local")).contents().isEmpty(),
                        "the upload is deleted after its outputs are written; camel run output (tail):\n"
                                + outNow.substring(Math.max(0, outNow.length() - 6000)));
                assertTrue(out.contains("Apache Camel (JBang)"), "it was Camel JBang's main that ran the routes");
                String journal = Files.readString(root.resolve(".local-data/animl-api-received.jsonl"));
                assertTrue(journal.contains("createImage"), "the image record went to the API stand-in");
            } finally {
                camel.destroy();
                if (!camel.waitFor(60, TimeUnit.SECONDS)) {
                    camel.destroyForcibly();
                }
            }
        }
    }

    /** camel-jbang-core's class path, from jbang/pom.xml (kept apart from the project's; cached under target/). */
    private static String resolveCamelJBang(Path project) throws Exception {
        Path cp = project.resolve("target/camel-jbang.classpath");
        if (!Files.exists(cp)) {
            Process p = new ProcessBuilder("mvn", "-B", "-q", "-f", "jbang/pom.xml", "dependency:build-classpath",
                    "-Dmdep.outputFile=" + cp).directory(project.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, "resolving camel-jbang-core: " + out);
        }
        return Files.readString(cp).trim();
    }

    private static void jar(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, (OutputStream) out);
                out.closeEntry();
            }
        }
    }
}
