package imagepipelines.aerial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * Picks the tile index store of the aerial routes: PostGIS when {@code aerial.postgis.jdbc-url} is set (the
 * password comes from {@code aerial.postgis.password}, i.e. the environment variable
 * {@code AERIAL_POSTGIS_PASSWORD}, never from a file in the repository), else a GeoPackage file (local default).
 */
public final class AerialTileIndexes {

    private AerialTileIndexes() {
    }

    public static TileIndexStore open(String jdbcUrl, String user, String password, String geopackage) {
        if (jdbcUrl != null && !jdbcUrl.isBlank()) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(jdbcUrl.trim());
            if (user != null && !user.isBlank()) {
                ds.setUser(user.trim());
            }
            if (password != null && !password.isBlank()) {
                ds.setPassword(password);
            }
            return new PostgisTileIndex(ds);
        }
        Path file = Path.of(geopackage);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of the tile index " + file, e);
        }
        return new GeoPackageTileIndex(file);
    }
}
