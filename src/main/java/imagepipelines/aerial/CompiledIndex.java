package imagepipelines.aerial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The compiled index the original's {@code ls4-compile_indexes} kept public: one GeoJSON FeatureCollection of every
 * footprint of every collection table ({@code *_frames}, {@code *_index}, {@code *_mosaic}), in EPSG:4326, with the
 * properties {@code tablename}, {@code collection} (the table without its kind, {@code _} as space, upper case),
 * {@code dl_orig}, {@code dl_georef}, {@code dl_index}.
 */
public final class CompiledIndex {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KINDS = List.of("index", "frames", "mosaic");

    private CompiledIndex() {
    }

    /** The GeoJSON of every collection table in the tile index database. */
    public static byte[] geojson(PostgisTileIndex index) {
        DataSource ds = index.dataSource();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.getFactory().createGenerator(out, JsonEncoding.UTF8);
             Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            g.writeStartObject();
            g.writeStringField("type", "FeatureCollection");
            g.writeArrayFieldStart("features");
            for (String table : index.tables()) {
                String kind = table.substring(table.lastIndexOf('_') + 1);
                if (!KINDS.contains(kind) || !TileIndexStore.TABLE_NAME.matcher(table).matches()) {
                    continue;
                }
                String collection = table.substring(0, table.length() - kind.length() - 1).replace('_', ' ')
                        .toUpperCase(Locale.ROOT);
                try (ResultSet rs = s.executeQuery("SELECT dl_orig, dl_georef, dl_index, "
                        + "ST_AsGeoJSON(ST_Transform(geom, 4326)) FROM " + table + " WHERE geom IS NOT NULL")) {
                    while (rs.next()) {
                        g.writeStartObject();
                        g.writeStringField("type", "Feature");
                        g.writeFieldName("geometry");
                        g.writeRawValue(rs.getString(4));
                        g.writeObjectFieldStart("properties");
                        g.writeStringField("tablename", table);
                        g.writeStringField("collection", collection);
                        g.writeStringField("dl_orig", rs.getString(1));
                        g.writeStringField("dl_georef", rs.getString(2));
                        g.writeStringField("dl_index", rs.getString(3));
                        g.writeEndObject();
                        g.writeEndObject();
                    }
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("compiling the tile indexes failed: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
