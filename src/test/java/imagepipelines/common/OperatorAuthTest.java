package imagepipelines.common;

import static imagepipelines.testsupport.TestPipelines.OPERATOR_TOKEN;
import static imagepipelines.testsupport.TestPipelines.PARKINGLOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mutating operator endpoints need the bearer token; read-only ones stay open; the CLI sends the token. */
class OperatorAuthTest {

    static final String FLAG = "_control/maintenance-mode";

    @TempDir
    static Path dir;
    static TestPipelines p;

    @BeforeAll
    static void start() throws Exception {
        p = TestPipelines.start(dir, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    @AfterEach
    void flagOff() {
        p.deleteObjects(k -> true, PARKINGLOT);
    }

    HttpResponse<String> call(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.httpPort + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    void assertRefused(HttpResponse<String> r) {
        assertEquals(401, r.statusCode(), r.body());
        assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(null));
        assertFalse(r.body().contains(OPERATOR_TOKEN));
    }

    @Test
    void missingOrWrongTokenIsRefusedAndChangesNothing() throws Exception {
        for (String auth : new String[] {null, "Bearer wrong", "Bearer " + OPERATOR_TOKEN + "x", OPERATOR_TOKEN,
                "Basic " + OPERATOR_TOKEN, "Bearer"}) {
            assertRefused(call("PUT", "/maintenance/on", auth));
            assertRefused(call("POST", "/maintenance/on", auth));
            assertFalse(p.keys(PARKINGLOT).contains(FLAG), "no maintenance flag object after a refused call: " + auth);
            assertRefused(call("PUT", "/maintenance/off", auth));
            assertRefused(call("POST", "/maintenance/replay", auth));
            assertRefused(call("POST", "/batches/batch-00000000-0000-4000-8000-000000000000/redrive", auth));
        }
        assertEquals(List.of(), p.keys(PARKINGLOT));
        assertTrue(call("GET", "/maintenance", null).body().contains("\"maintenance\":false"),
                "status stays readable without a token");
    }

    @Test
    void flagStaysOnWhenOffIsRefused() throws Exception {
        assertEquals(200, call("PUT", "/maintenance/on", "Bearer " + OPERATOR_TOKEN).statusCode());
        assertTrue(p.keys(PARKINGLOT).contains(FLAG));
        assertRefused(call("PUT", "/maintenance/off", "Bearer nope"));
        assertTrue(p.keys(PARKINGLOT).contains(FLAG), "a refused off leaves maintenance on");
        assertEquals(200, call("PUT", "/maintenance/off", "Bearer " + OPERATOR_TOKEN).statusCode());
        assertFalse(p.keys(PARKINGLOT).contains(FLAG));
    }

    @Test
    void rightTokenWorksAndReadOnlyCallsNeedNone() throws Exception {
        HttpResponse<String> on = call("PUT", "/maintenance/on", "Bearer " + OPERATOR_TOKEN);
        assertEquals(200, on.statusCode(), on.body());
        assertTrue(p.keys(PARKINGLOT).contains(FLAG));
        assertTrue(call("GET", "/maintenance", null).body().contains("\"maintenance\":true"));
        HttpResponse<String> redrive = call("POST", "/batches/batch-00000000-0000-4000-8000-000000000000/redrive",
                "Bearer " + OPERATOR_TOKEN);
        assertEquals(200, redrive.statusCode(), redrive.body());
        assertTrue(redrive.body().contains("\"deadLetters\":[]"), redrive.body());
        assertNotEquals(401, call("GET", "/batches/batch-00000000-0000-4000-8000-000000000000", null).statusCode(),
                "batch progress stays readable without a token");
    }

    /**
     * The error answers were JSON written by hand around the caller's path: an id with a quote made the body invalid
     * JSON, and request headers went back as response headers. One answer route (direct:http-answer) writes both.
     */
    @Test
    void anErrorAboutAnIdWithAQuoteIsValidJsonAndNoRequestHeaderEchoes() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.httpPort + "/batches/x%22y"))
                .header("X-Probe", "echo-me").GET().build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(null));
        assertEquals("no bulk batch x\"y",
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("error").asText(), r.body());
        assertTrue(r.headers().firstValue("X-Probe").isEmpty(), "request header echoed: " + r.headers().map());
    }

    /** bin/image-pipelines maintenance on|off as a separate process: the token comes from its environment. */
    @Test
    void cliSendsTheTokenFromTheEnvironment() throws Exception {
        Path work = Files.createDirectories(dir.resolve("cli-cwd"));
        Cli refused = cli(work, null, "maintenance", "on");
        assertEquals(1, refused.code, refused.out);
        assertTrue(refused.out.contains("PIPELINES_OPERATOR_SECRET"), refused.out);
        assertFalse(p.keys(PARKINGLOT).contains(FLAG));

        Cli wrong = cli(work, "not-the-token", "maintenance", "on");
        assertEquals(1, wrong.code, wrong.out);
        assertFalse(p.keys(PARKINGLOT).contains(FLAG));

        Cli on = cli(work, OPERATOR_TOKEN, "maintenance", "on");
        assertEquals(0, on.code, on.out);
        assertTrue(p.keys(PARKINGLOT).contains(FLAG));
        assertFalse(on.out.contains(OPERATOR_TOKEN), "the CLI does not print the token");
        Cli off = cli(work, OPERATOR_TOKEN, "maintenance", "off");
        assertEquals(0, off.code, off.out);
        assertFalse(p.keys(PARKINGLOT).contains(FLAG));

        Cli redrive = cli(work, OPERATOR_TOKEN, "redrive-batch", "batch-00000000-0000-4000-8000-000000000000");
        assertEquals(0, redrive.code, redrive.out);
        assertTrue(redrive.out.contains("nothing to redrive"), redrive.out);
        assertEquals(1, cli(work, "nope", "redrive-batch", "batch-00000000-0000-4000-8000-000000000000").code);
    }

    /** The local profile without a secret: a token file the CLI finds (owner-only), used with nothing in the env. */
    @Test
    void localTokenFileIsWrittenOwnerOnlyAndReadByTheCli() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> props = new HashMap<>(Map.of("pipelines.local.data-dir", data.toString(),
                "pipelines.operator.generate", "true"));
        OperatorSecret.prepare(new Settings("local"), props, "ingest,aerial");
        String token = props.get(OperatorSecret.KEY);
        assertTrue(token.length() >= 32, "a random token");
        Path file = data.resolve(OperatorSecret.TOKEN_FILE);
        assertEquals(token, Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(token, OperatorSecret.forCli(Map.of("PIPELINES_LOCAL_DATA_DIR", data.toString())));
        assertEquals("from-env", OperatorSecret.forCli(Map.of("PIPELINES_LOCAL_DATA_DIR", data.toString(),
                OperatorSecret.ENV, "from-env")));

        Map<String, String> again = new HashMap<>(props);
        again.remove(OperatorSecret.KEY);
        OperatorSecret.prepare(new Settings("local"), again, "ingest");
        assertNotEquals(token, again.get(OperatorSecret.KEY), "a new token each run");
    }

    @Test
    void prodAndDevRefuseToStartTheIngestWithoutTheSecret() {
        for (String profile : List.of("prod", "dev")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> OperatorSecret.prepare(new Settings(profile), new HashMap<>(), "ingest"));
            assertTrue(e.getMessage().contains("PIPELINES_OPERATOR_SECRET"), e.getMessage());
            // the endpoints are the ingest's: other workflows start without it
            OperatorSecret.prepare(new Settings(profile), new HashMap<>(), "aerial,faces");
            Map<String, String> set = new HashMap<>(Map.of(OperatorSecret.KEY, "s3cret"));
            OperatorSecret.prepare(new Settings(profile), set, "ingest");
            assertEquals("s3cret", set.get(OperatorSecret.KEY));
        }
    }

    record Cli(int code, String out) {
    }

    Cli cli(Path cwd, String token, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "imagepipelines.cli.Cli"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--url", "http://127.0.0.1:" + p.httpPort));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().remove(OperatorSecret.ENV);
        pb.environment().remove("PIPELINES_LOCAL_DATA_DIR");
        if (token != null) {
            pb.environment().put(OperatorSecret.ENV, token);
        }
        Process proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS));
        return new Cli(proc.exitValue(), out);
    }
}
