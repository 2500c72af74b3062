package imagepipelines.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * The operator token ({@code pipelines.operator.secret}, env PIPELINES_OPERATOR_SECRET) before Camel starts. The
 * mutating operator endpoints belong to the ingest workflow. With the secret empty:
 * <ul>
 * <li>dev and prod ({@code pipelines.operator.secret-required = true}) refuse to start, naming the variable;</li>
 * <li>local ({@code pipelines.operator.generate = true}) makes a random token for this run and writes it to
 * {@code <pipelines.local.data-dir>/operator-token} (owner-only), where the CLI finds it. Loopback alone is not
 * enough: a web page in a browser on this machine can POST to localhost.</li>
 * </ul>
 */
public final class OperatorSecret {

    public static final String KEY = "pipelines.operator.secret";
    public static final String ENV = "PIPELINES_OPERATOR_SECRET";
    public static final String TOKEN_FILE = "operator-token";

    private OperatorSecret() {
    }

    /** Checks the secret, or generates the local one into {@code props}. */
    public static void prepare(Settings settings, Map<String, String> props, String workflows) {
        boolean served = false;
        for (String w : workflows.split(",")) {
            served |= w.trim().equals("ingest");
        }
        if (!served || !settings.resolve("{{" + KEY + ":}}", props).isBlank()) {
            return;
        }
        if (Boolean.parseBoolean(settings.resolve("{{pipelines.operator.secret-required:false}}", props))) {
            throw new IllegalStateException(KEY + " is empty: set the environment variable " + ENV
                    + " to the operator token (the Bearer token of PUT /maintenance/on|off, POST /maintenance/replay"
                    + " and POST /batches/{id}/redrive). The " + settings.profile()
                    + " profile does not serve those endpoints without it.");
        }
        if (Boolean.parseBoolean(settings.resolve("{{pipelines.operator.generate:false}}", props))) {
            Path dir = Path.of(settings.resolve("{{pipelines.local.data-dir:.local-data}}", props));
            props.put(KEY, writeToken(dir));
        } else {
            throw new IllegalStateException(KEY + " is empty: set " + ENV);
        }
    }

    static String writeToken(Path dir) {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        String token = HexFormat.of().formatHex(b);
        try {
            Files.createDirectories(dir);
            Path f = dir.resolve(TOKEN_FILE);
            Files.deleteIfExists(f);
            try {
                Files.createFile(f, PosixFilePermissions.asFileAttribute(Set.of(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
            } catch (UnsupportedOperationException e) {
                Files.createFile(f);
            }
            Files.writeString(f, token);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the local operator token to " + dir, e);
        }
        return token;
    }

    /** The token for the CLI: PIPELINES_OPERATOR_SECRET, else the local run's token file, else null. */
    public static String forCli(Map<String, String> env) {
        String t = env.get(ENV);
        if (t != null && !t.isBlank()) {
            return t.strip();
        }
        Path f = Path.of(env.getOrDefault("PIPELINES_LOCAL_DATA_DIR", ".local-data")).resolve(TOKEN_FILE);
        try {
            return Files.isReadable(f) ? Files.readString(f).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
