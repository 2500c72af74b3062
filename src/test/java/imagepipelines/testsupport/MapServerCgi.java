package imagepipelines.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * MapServer's {@code mapserv} run as a CGI program the way a web server runs it: the request in
 * {@code QUERY_STRING}, {@code REQUEST_METHOD=GET}, MapServer 8's configuration file in
 * {@code MAPSERVER_CONFIG_FILE}, nothing else from this JVM's environment, as an unprivileged user
 * ({@code nobody}, through {@code setpriv}) so file permissions count as on the MapServer host.
 * Debian's {@code cgi-mapserver} installs it as {@code /usr/lib/cgi-bin/mapserv}; {@code mapserver-bin} ships the
 * same program as {@code /usr/bin/mapserv}.
 */
public final class MapServerCgi {

    public static final int NOBODY = 65534;

    /** The CGI answer: headers and body. */
    public record Response(Map<String, String> headers, byte[] body) {
        public String contentType() {
            return headers.getOrDefault("Content-Type", "");
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private MapServerCgi() {
    }

    public static String program() {
        for (String p : List.of("/usr/lib/cgi-bin/mapserv", "/usr/bin/mapserv")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        throw new IllegalStateException("mapserv not found: install Debian's cgi-mapserver or mapserver-bin");
    }

    public static Response get(Path configFile, String queryString, Map<String, String> extraEnv) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", program()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("REQUEST_METHOD", "GET");
        env.put("QUERY_STRING", queryString);
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("SERVER_NAME", "localhost");
        env.put("MAPSERVER_CONFIG_FILE", configFile.toString());
        env.putAll(extraEnv);
        try {
            Path out = Files.createTempFile("mapserv", ".out");
            try {
                Process p = pb.redirectErrorStream(false).redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("mapserv timed out: " + queryString);
                }
                return parse(Files.readAllBytes(out));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Response parse(byte[] raw) {
        Map<String, String> headers = new LinkedHashMap<>();
        int i = 0;
        while (i < raw.length) {
            int eol = i;
            while (eol < raw.length && raw[eol] != '\n') {
                eol++;
            }
            String line = new String(raw, i, eol - i, StandardCharsets.ISO_8859_1).replace("\r", "");
            i = eol + 1;
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        byte[] body = new byte[Math.max(0, raw.length - i)];
        System.arraycopy(raw, Math.min(i, raw.length), body, 0, body.length);
        return new Response(headers, body);
    }
}
