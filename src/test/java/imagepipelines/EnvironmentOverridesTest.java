package imagepipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import imagepipelines.common.Settings;
import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16, item 6: an environment variable sets any key in any profile. {@code CAMEL_SERVER_PORT=18500
 * bin/image-pipelines run} used to serve the operator and faces endpoints on 8080 anyway (application-local.properties
 * won) while only {@code /observe/*} moved.
 */
class EnvironmentOverridesTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "prod"})
    void everyKeyOfEveryProfileIsTakenFromTheEnvironment(String profile) {
        Settings settings = new Settings(profile);
        Map<String, String> env = new HashMap<>();
        for (String key : settings.keys()) {
            env.put(Settings.envName(key), "from-env-" + key);
        }
        Map<String, String> taken = settings.fromEnvironment(env, new Properties());
        assertEquals(settings.keys(), taken.keySet());
        taken.forEach((k, v) -> assertEquals("from-env-" + k, v));
        assertTrue(taken.containsKey("camel.server.port"));
        assertEquals("from-env-camel.server.port", taken.get("camel.server.port"));
    }

    @Test
    void aSystemPropertyWinsOverTheEnvironmentAndUnsetKeysAreLeftToTheFiles() {
        Settings settings = new Settings("local");
        Properties system = new Properties();
        system.setProperty("ingest.workers", "7");
        Map<String, String> taken = settings.fromEnvironment(
                Map.of("INGEST_WORKERS", "3", "ANIML_API_SECRET", "s", "NOT_A_KEY_OF_OURS", "x"), system);
        assertEquals(Map.of("ingest.workers", "7", "animl.api.secret", "s"), taken);
    }

    /** The real path: the application's main class in its own JVM, the port only in the environment. */
    @Test
    void theServiceStartedWithCamelServerPortInTheEnvironmentAnswersOnThatPort() throws Exception {
        int port = TestPipelines.freePort();
        Path log = dir.resolve("service.log");
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "imagepipelines.cli.Cli", "run"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).directory(new File("."));
        Map<String, String> env = pb.environment();
        env.put("CAMEL_MAIN_PROFILE", "local");
        env.put("CAMEL_SERVER_PORT", String.valueOf(port));
        env.put("PIPELINES_WORKFLOWS", "ingest");
        env.put("PIPELINES_LOCAL_DATA_DIR", dir.resolve("data").toString());
        env.put("PIPELINES_SCRATCH_DIR", dir.resolve("scratch").toString());
        env.put("INGEST_WORKERS", "1");
        Process service = pb.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            int ready = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline && service.isAlive()) {
                try {
                    ready = get(http, port, "/observe/health/ready").statusCode();
                    if (ready == 200) {
                        break;
                    }
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(300);
            }
            String output = Files.readString(log);
            assertEquals(200, ready, "health on the port from the environment; output:\n" + tail(output));
            // the operator endpoints (platform-http routes) moved too, not only /observe
            HttpResponse<String> maintenance = get(http, port, "/maintenance");
            assertEquals(200, maintenance.statusCode(), maintenance.body());
            assertTrue(maintenance.body().contains("\"maintenance\""), maintenance.body());
            assertTrue(output.contains("HttpServer started on 127.0.0.1:" + port), tail(output));
            assertFalse(output.contains("HttpServer started on 127.0.0.1:8080"), tail(output));
            assertTrue(output.contains("settings from the environment or system properties: ")
                    && output.contains("camel.server.port"), tail(output));
        } finally {
            service.destroy(); // SIGTERM: Camel's graceful shutdown
            if (!service.waitFor(40, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String tail(String s) {
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }
}
