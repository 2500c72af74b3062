package imagepipelines.aerial;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A collection's table exactly as the original pipeline (lambda-s4 {@code ls4-04-shp_index}) left it:
 * {@code df.to_sql(table, engine, if_exists='replace', index=True, index_label='oid',
 * dtype={'geom': Geometry('POLYGON', srid=3857)})} on a DataFrame of object (string) columns. pandas' SQLAlchemy
 * writer issues the CREATE TABLE below (int64 index → BIGINT, object → TEXT), geoalchemy2 adds the GiST index
 * {@code idx_<table>_geom}, pandas the index {@code ix_<table>_oid}; rows have oid 0..n-1.
 */
final class OriginalTileIndexTable {

    private OriginalTileIndexTable() {
    }

    static void create(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS \"" + table + "\"");
            s.execute("CREATE TABLE \"" + table + "\" (\n\toid BIGINT, \n\tlocation TEXT, \n\tsrc_srs TEXT, \n"
                    + "\tdate TEXT, \n\troll TEXT, \n\tframe_num TEXT, \n\tdl_orig TEXT, \n\tdl_georef TEXT, \n"
                    + "\tdl_index TEXT, \n\tgeom geometry(POLYGON,3857)\n)");
            s.execute("CREATE INDEX \"idx_" + table + "_geom\" ON \"public\".\"" + table + "\" USING GIST (\"geom\")");
            s.execute("CREATE INDEX ix_" + table + "_oid ON \"" + table + "\" (oid)");
        }
    }

    /**
     * A row as the original wrote it for the COG {@code key} of bucket {@code tnris-ls4}: location
     * {@code /vsis3/tnris-ls4/<key>}, links on its CDN, the COG's bounding box.
     */
    static void insert(Connection c, String table, long oid, String key, String date, String roll, String frame,
                       String indexName, double minX, double minY, double maxX, double maxY) throws SQLException {
        insert(c, table, oid, "tnris-ls4", key, date, roll, frame, indexName, minX, minY, maxX, maxY);
    }

    static void insert(Connection c, String table, long oid, String bucket, String key, String date, String roll,
                       String frame, String indexName, double minX, double minY, double maxX, double maxY)
            throws SQLException {
        String folder = key.substring(0, key.lastIndexOf('/') + 1);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO \"" + table + "\" (oid, location, src_srs, date, "
                + "roll, frame_num, dl_orig, dl_georef, dl_index, geom) VALUES (?, ?, 'EPSG:3857', ?, ?, ?, ?, ?, ?, "
                + "ST_GeomFromEWKT(?))")) {
            ps.setLong(1, oid);
            ps.setString(2, "/vsis3/" + bucket + "/" + key);
            ps.setString(3, date);
            ps.setString(4, roll);
            ps.setString(5, frame);
            ps.setString(6, "https://cdn.tnris.org/" + key.replace("cog/", "scanned/"));
            ps.setString(7, "https://cdn.tnris.org/" + key);
            ps.setString(8, "https://cdn.tnris.org/" + folder + "tile_index/" + indexName + "_idx.zip");
            ps.setString(9, String.format(java.util.Locale.ROOT,
                    "SRID=3857;POLYGON((%f %f,%f %f,%f %f,%f %f,%f %f))", minX, minY, minX, maxY, maxX, maxY, maxX,
                    minY, minX, minY));
            ps.executeUpdate();
        }
    }
}
