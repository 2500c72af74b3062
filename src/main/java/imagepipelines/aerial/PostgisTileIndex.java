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
 * Tile index in PostGIS: table {@code <collection lower case>} with {@code geom geometry(Polygon,3857)}, a GiST
 * index, a unique {@code name}, and the attribute columns of {@link TileIndexStore}. Each upsert is one
 * transaction that creates the table if missing and inserts or replaces one row
 * ({@code INSERT ... ON CONFLICT (name) DO UPDATE}); a transaction-scoped advisory lock per table keeps two
 * first uploads of a new collection from racing on {@code CREATE TABLE}.
 *
 * <p>The database needs the PostGIS extension ({@code CREATE EXTENSION postgis}, done once by an administrator).
 */
public class PostgisTileIndex implements TileIndexStore {

    private final DataSource dataSource;

    public PostgisTileIndex(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void upsert(String collection, TileIndexEntry e) {
        String t = TileIndexStore.tableName(collection);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                    lock.setString(1, "tile_index:" + t);
                    lock.execute();
                }
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + t + " ("
                            + "id serial PRIMARY KEY, "
                            + "name text NOT NULL UNIQUE, "
                            + "location text NOT NULL, "
                            + "src_srs text NOT NULL, "
                            + "\"date\" text, roll text, frame_num text, cog_url text, scan_url text, "
                            + "updated timestamptz NOT NULL DEFAULT now(), "
                            + "geom geometry(Polygon, 3857) NOT NULL)");
                    s.execute("CREATE INDEX IF NOT EXISTS " + t + "_geom_idx ON " + t + " USING gist (geom)");
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t
                        + " (name, location, src_srs, \"date\", roll, frame_num, cog_url, scan_url, geom) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ST_GeomFromText(?, 3857)) "
                        + "ON CONFLICT (name) DO UPDATE SET location = EXCLUDED.location, "
                        + "src_srs = EXCLUDED.src_srs, \"date\" = EXCLUDED.\"date\", roll = EXCLUDED.roll, "
                        + "frame_num = EXCLUDED.frame_num, cog_url = EXCLUDED.cog_url, "
                        + "scan_url = EXCLUDED.scan_url, geom = EXCLUDED.geom, updated = now()")) {
                    ps.setString(1, e.name());
                    ps.setString(2, e.location());
                    ps.setString(3, e.srcSrs());
                    ps.setString(4, e.date());
                    ps.setString(5, e.roll());
                    ps.setString(6, e.frameNum());
                    ps.setString(7, e.cogUrl());
                    ps.setString(8, e.scanUrl());
                    ps.setString(9, e.footprint().toWkt());
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            }
        } catch (SQLException ex) {
            throw failure("upserting " + e.name() + " into " + t, ex);
        }
    }

    @Override
    public List<TileIndexEntry> entries(String collection) {
        String t = TileIndexStore.tableName(collection);
        List<TileIndexEntry> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            if (!exists(c, t)) {
                return out;
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT name, location, src_srs, \"date\", roll, frame_num, cog_url, "
                         + "scan_url, ST_AsText(geom) FROM " + t + " ORDER BY name")) {
                while (rs.next()) {
                    out.add(new TileIndexEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            Wkt.parsePolygon(rs.getString(9))));
                }
            }
            return out;
        } catch (SQLException ex) {
            throw failure("reading " + t, ex);
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
        try (Connection c = dataSource.getConnection()) {
            if (!exists(c, t)) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() > 0;
            }
        } catch (SQLException ex) {
            throw failure("removing " + name + " from " + t, ex);
        }
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
