package imagepipelines.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * A throw-away PostgreSQL server for tests and the fault suite (local only): {@code initdb} into a temporary directory, {@code pg_ctl start} on a
 * free loopback port with trust authentication, one database, optional extensions; {@link #close()} stops it
 * and deletes everything. Starts in well under a second.
 *
 * <p>Needs Debian's {@code postgresql} (15) packages, plus {@code postgresql-15-postgis-3} for PostGIS. The
 * server binaries are taken from {@code $EMBEDDED_PG_BIN}, else the newest {@code /usr/lib/postgresql/<n>/bin}.
 *
 * <p>PostgreSQL refuses to run as root. When the JVM runs as root (CI containers), the data directory is given to
 * the {@code postgres} system user (created by the Debian package) and {@code initdb}/{@code pg_ctl} run through
 * {@code runuser -u postgres --}. As any other user they run directly.
 *
 * <pre>{@code
 * try (EmbeddedPostgres pg = EmbeddedPostgres.start("aerial", "postgis")) {
 *     DataSource ds = pg.dataSource();
 *     String conninfo = pg.conninfo();   // for libpq clients such as MapServer
 * }
 * }</pre>
 */
public final class EmbeddedPostgres implements AutoCloseable {

    public static final String USER = "postgres";

    private final Path dir;
    private final Path data;
    private final Path bin;
    private final boolean asRoot;
    private volatile int port;
    private final String database;
    private final Thread shutdownHook;
    private volatile boolean stopped;

    private EmbeddedPostgres(Path dir, Path bin, boolean asRoot, int port, String database) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.bin = bin;
        this.asRoot = asRoot;
        this.port = port;
        this.database = database;
        this.shutdownHook = new Thread(this::stopQuietly, "embedded-postgres-stop");
    }

    /** Starts a server with database {@code database} (created if not {@code postgres}) and the extensions. */
    public static EmbeddedPostgres start(String database, String... extensions) {
        Path bin = findBin();
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        Path dir;
        try {
            // /tmp rather than java.io.tmpdir: the postgres user must be able to reach it
            dir = Files.createTempDirectory(Path.of("/tmp"), "embedded-pg-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (asRoot) {
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dir, users.lookupPrincipalByName(USER));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a data directory for PostgreSQL (as root the '" + USER
                    + "' user from Debian's postgresql package is needed)", e);
        }
        EmbeddedPostgres pg = new EmbeddedPostgres(dir, bin, asRoot, LoopbackPorts.free(), database);
        try {
            pg.initAndStart();
            pg.createDatabase(extensions);
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
        return pg;
    }

    private void initAndStart() {
        pgCommand(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "trust",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"));
        for (int attempt = 1; ; attempt++) {
            // -F: no fsync (test data); unix socket in our own directory, not /var/run/postgresql
            String options = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -F -c max_connections=40";
            try {
                pgCommand(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                        dir.resolve("server.log").toString(), "-o", options, "-w", "-t", "60", "start"));
                return;
            } catch (IllegalStateException e) {
                if (attempt == 3) {
                    throw e;
                }
                port = LoopbackPorts.free(); // another process took the port between probing and binding
            }
        }
    }

    private void createDatabase(String... extensions) {
        if (!"postgres".equals(database)) {
            try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE \"" + database + "\"");
            } catch (SQLException e) {
                throw new IllegalStateException("CREATE DATABASE " + database + " failed: " + e.getMessage(), e);
            }
        }
        for (String ext : extensions) {
            try (Connection c = connect(database); Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION IF NOT EXISTS \"" + ext + "\"");
            } catch (SQLException e) {
                throw new IllegalStateException("CREATE EXTENSION " + ext + " failed (for postgis install Debian's "
                        + "postgresql-15-postgis-3): " + e.getMessage(), e);
            }
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return USER;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /** libpq connection string (no password: the test server trusts loopback). */
    public String conninfo() {
        return "host=" + host() + " port=" + port + " dbname=" + database + " user=" + USER;
    }

    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {host()});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(database);
        ds.setUser(USER);
        return ds;
    }

    public Connection connect() throws SQLException {
        return connect(database);
    }

    private Connection connect(String db) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + host() + ":" + port + "/" + db, USER, "");
    }

    /** Stops the server but keeps its data (an outage in a test); {@link #resume()} starts it again. */
    public synchronized void pause() {
        pgCommand(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"));
    }

    /** Starts a {@link #pause() paused} server again on the same port. */
    public synchronized void resume() {
        String options = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -F -c max_connections=40";
        pgCommand(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                dir.resolve("server.log").toString(), "-o", options, "-w", "-t", "60", "start"));
    }

    /** The server's log, for failure messages. */
    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }

    private synchronized void stopQuietly() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                pgCommand(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w",
                        "stop"));
            } catch (RuntimeException e) {
                System.err.println("EmbeddedPostgres: stop failed: " + e.getMessage());
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir
        }
    }

    private void pgCommand(List<String> command) {
        List<String> full = new ArrayList<>();
        if (asRoot) {
            full.addAll(List.of("runuser", "-u", USER, "--"));
        }
        full.addAll(command);
        try {
            Path log = Files.createTempFile("embedded-pg-cmd", ".log");
            try {
                // working directory the postgres user can enter (initdb complains about an unreadable cwd)
                Process p = new ProcessBuilder(full).directory(Path.of("/tmp").toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                if (!p.waitFor(90, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("timed out: " + String.join(" ", full));
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", full) + " failed (" + p.exitValue() + "): "
                            + Files.readString(log) + "\nserver log: " + log());
                }
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + full.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path findBin() {
        String env = System.getenv("EMBEDDED_PG_BIN");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString()
                            .replaceAll("\\D", "0"))))
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql/<version>/bin: "
                    + "install Debian's postgresql (and postgresql-15-postgis-3), or set EMBEDDED_PG_BIN", e);
        }
    }

}
