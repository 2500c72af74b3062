package imagepipelines.aerial;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * Tile index in PostGIS, in the original pipeline's table (CONTRACTS.md §3): table {@code <collection lower case>}
 * with {@code oid bigint, location, src_srs, date, roll, frame_num, dl_orig, dl_georef, dl_index} (text) and
 * {@code geom geometry(POLYGON,3857)}, as pandas/geoalchemy2 created it with {@code if_exists='replace'} and index
 * column {@code oid}. Collections the original made keep working: a table without our columns is migrated in
 * place (idempotently) by adding {@code name} (the COG's file name, filled from {@code location} for the original's
 * rows) with a unique index, {@code updated}, and the GiST index on {@code geom}; nothing of the original's is
 * dropped or renamed, so MapServer and the compiled index read it as before.
 *
 * <p>Each upsert is one transaction under a transaction-scoped advisory lock per table (two first uploads of a
 * new collection cannot race on {@code CREATE TABLE}, and {@code oid} = max + 1 for a new row is safe), then
 * {@code INSERT ... ON CONFLICT (name) DO UPDATE} (a row keeps its {@code oid}).
 *
 * <p>The database needs the PostGIS extension ({@code CREATE EXTENSION postgis}, done once by an administrator).
 */
public class PostgisTileIndex implements TileIndexStore {

    private final DataSource dataSource;

    public PostgisTileIndex(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void upsert(String collection, TileIndexEntry e) {
        String t = TileIndexStore.tableName(collection);
        inTransaction(t, "upserting " + e.name() + " into " + t, c -> {
            try (Statement s = c.createStatement()) {
                // the original's table, as pandas.to_sql + geoalchemy2 created it
                s.execute("CREATE TABLE IF NOT EXISTS " + t + " (oid BIGINT, location TEXT, src_srs TEXT, "
                        + "\"date\" TEXT, roll TEXT, frame_num TEXT, dl_orig TEXT, dl_georef TEXT, dl_index TEXT, "
                        + "geom geometry(POLYGON, 3857))");
            }
            migrate(c, t);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t
                    + " (oid, name, location, src_srs, \"date\", roll, frame_num, dl_orig, dl_georef, dl_index, "
                    + "updated, geom) VALUES ((SELECT COALESCE(max(oid) + 1, 0) FROM " + t + "), "
                    + "?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ST_GeomFromText(?, 3857)) "
                    + "ON CONFLICT (name) DO UPDATE SET location = EXCLUDED.location, "
                    + "src_srs = EXCLUDED.src_srs, \"date\" = EXCLUDED.\"date\", roll = EXCLUDED.roll, "
                    + "frame_num = EXCLUDED.frame_num, dl_orig = EXCLUDED.dl_orig, dl_georef = EXCLUDED.dl_georef, "
                    + "dl_index = EXCLUDED.dl_index, geom = EXCLUDED.geom, updated = now()")) {
                String[] v = {e.name(), e.location(), e.srcSrs(), e.date(), e.roll(), e.frameNum(), e.dlOrig(),
                    e.dlGeoref(), e.dlIndex(), e.footprint().toWkt()};
                for (int i = 0; i < v.length; i++) {
                    ps.setString(i + 1, v[i]);
                }
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Brings a table of the original's shape up to ours; does nothing to a table that has our columns already.
     * Runs inside the caller's transaction, under the table's advisory lock.
     */
    static void migrate(Connection c, String t) throws SQLException {
        boolean hasName;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.columns "
                + "WHERE table_schema = current_schema() AND table_name = ? AND column_name = 'name'")) {
            ps.setString(1, t);
            try (ResultSet rs = ps.executeQuery()) {
                hasName = rs.next();
            }
        }
        if (hasName) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + t + " ADD COLUMN IF NOT EXISTS name TEXT, "
                    + "ADD COLUMN IF NOT EXISTS updated TIMESTAMPTZ");
            // the original's location ends in the COG's key: its last segment is the file name
            s.execute("UPDATE " + t + " SET name = regexp_replace(location, '^.*/', '') WHERE name IS NULL");
            s.execute("CREATE UNIQUE INDEX IF NOT EXISTS " + t + "_name_key ON " + t + " (name)");
            s.execute("CREATE INDEX IF NOT EXISTS idx_" + t + "_geom ON " + t + " USING gist (geom)");
        }
    }

    @Override
    public List<TileIndexEntry> entries(String collection) {
        String t = TileIndexStore.tableName(collection);
        return inTransaction(t, "reading " + t, c -> {
            List<TileIndexEntry> out = new ArrayList<>();
            if (!exists(c, t)) {
                return out;
            }
            migrate(c, t);
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT name, location, src_srs, \"date\", roll, frame_num, dl_orig, "
                         + "dl_georef, dl_index, ST_AsText(geom) FROM " + t + " ORDER BY name")) {
                while (rs.next()) {
                    out.add(new TileIndexEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            Wkt.parsePolygon(rs.getString(10))));
                }
            }
            return out;
        });
    }

    /** Every table in the schema that has the tile index columns (for the compiled index). */
    public List<String> tables() {
        try (Connection c = dataSource.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.columns WHERE table_schema = "
                     + "current_schema() AND column_name IN ('dl_orig', 'dl_georef', 'dl_index', 'geom') "
                     + "GROUP BY table_name HAVING count(*) = 4 ORDER BY table_name")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException ex) {
            throw failure("listing the tile index tables", ex);
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(String table, String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                    lock.setString(1, "tile_index:" + table);
                    lock.execute();
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            }
        } catch (SQLException ex) {
            throw failure(what, ex);
        }
    }

    @Override
    public Optional<Envelope> extent(String collection) {
        String t = TileIndexStore.tableName(collection);
        try (Connection c = dataSource.getConnection()) {
            if (!exists(c, t)) {
                return Optional.empty();
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                         + "(SELECT ST_Extent(geom)::geometry AS e FROM " + t + ") x WHERE e IS NOT NULL")) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Envelope(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)));
            }
        } catch (SQLException ex) {
            throw failure("reading the extent of " + t, ex);
        }
    }

    @Override
    public boolean remove(String collection, String name) {
        String t = TileIndexStore.tableName(collection);
        return inTransaction(t, "removing " + name + " from " + t, c -> {
            if (!exists(c, t)) {
                return false;
            }
            migrate(c, t);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() > 0;
            }
        });
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static IllegalStateException failure(String what, SQLException ex) {
        String msg = ex.getMessage();
        if (msg != null && msg.contains("type \"geometry\" does not exist")) {
            msg = "the PostGIS extension is not installed in this database (run CREATE EXTENSION postgis as "
                    + "its owner): " + msg;
        }
        return new IllegalStateException("tile index: " + what + " failed: " + msg, ex);
    }
}
