package imagepipelines.aerial;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes the MapServer mapfile of a collection: a MAP with WMS metadata and the footprints' extent, a RASTER
 * layer drawn from the tile index ({@code TILEINDEX} → the footprints layer, {@code TILEITEM "location"},
 * {@code TILESRS "src_srs"}), and the POLYGON layer of the footprints (PostGIS, or a GeoPackage through OGR).
 *
 * <h2>No credentials in the mapfile</h2>
 * The original put AWS keys in the mapfile. Here:
 * <ul>
 *   <li>Imagery: each tile's {@code location} is read by GDAL inside MapServer; COGs are public-read, so
 *       {@code /vsicurl/https://...} locations need no credentials at all (for private buckets, give MapServer
 *       an IAM role / environment, never the mapfile).</li>
 *   <li>PostGIS: {@link Postgis} holds a libpq connection string that must not contain a password
 *       (it is rejected). libpq finds the password itself: {@code PGPASSFILE} / {@code ~/.pgpass} of the
 *       MapServer user, or a service definition ({@code service=aerial} with {@code PGSERVICEFILE}), or the
 *       server trusts/peers the MapServer host. A service name is the tidiest: the mapfile then carries no host
 *       either.</li>
 * </ul>
 */
public final class MapfileWriter {

    private MapfileWriter() {
    }

    /** Where the tile index lives. */
    public sealed interface IndexSource permits Postgis, GeoPackage {
    }

    /**
     * A PostGIS table.
     *
     * @param conninfo libpq connection string without password, e.g. {@code service=aerial} or
     *                 {@code host=db port=5432 dbname=aerial user=mapserver}
     * @param table    the collection's table ({@link TileIndexStore#tableName})
     */
    public record Postgis(String conninfo, String table) implements IndexSource {
        public Postgis {
            Objects.requireNonNull(conninfo, "conninfo");
            requireTable(table);
            if (conninfo.toLowerCase(Locale.ROOT).contains("password")) {
                throw new IllegalArgumentException("the PostGIS connection string of a mapfile must not carry a "
                        + "password: use PGPASSFILE/.pgpass or a pg_service.conf entry (service=...)");
            }
            if (conninfo.contains("\"")) {
                throw new IllegalArgumentException("conninfo must not contain double quotes");
            }
        }
    }

    /** A GeoPackage file read through OGR; {@code layer} is the collection's layer. */
    public record GeoPackage(Path file, String layer) implements IndexSource {
        public GeoPackage {
            Objects.requireNonNull(file, "file");
            requireTable(layer);
            if (file.toString().contains("\"")) {
                throw new IllegalArgumentException("GeoPackage path must not contain double quotes");
            }
        }
    }

    /**
     * What the mapfile describes.
     *
     * @param collection     the original's tile index name {@code <County>_<Agency>_<YYYY>_<kind>} (case kept)
     * @param title          human title for WMS capabilities
     * @param extent         union of the footprints, EPSG:3857 (e.g. {@link TileIndexStore#extent})
     * @param index          the tile index
     * @param onlineResource this map's public WMS URL ({@code https://.../?map=/mapfiles/<table>.map&}), or null
     * @param errorFile      MapServer's {@code MS_ERRORFILE} (a path the MapServer user may write, or
     *                       {@code stderr}), or null
     */
    public record Spec(String collection, String title, Envelope extent, IndexSource index, String onlineResource,
                       String errorFile) {
        public Spec {
            Objects.requireNonNull(collection, "collection");
            Objects.requireNonNull(extent, "extent");
            Objects.requireNonNull(index, "index");
            title = title == null ? collection : title;
        }
    }

    /**
     * MAP NAME: the collection in upper case without separators (the original's), so it differs from every
     * layer name (layer names keep the underscores); MapServer otherwise offers the map itself as a layer of that
     * name and draws the footprints over the imagery.
     */
    public static String mapName(String collection) {
        return collection.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
    }

    /** The imagery layer: the collection name as the original named it ({@code Travis_USDA_1940_frames}). */
    public static String rasterLayer(String collection) {
        return collection.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** The footprints layer, also the raster layer's TILEINDEX: {@code <Collection>_index}. */
    public static String footprintLayer(String collection) {
        return rasterLayer(collection) + "_index";
    }

    public static String write(Spec spec) {
        String name = mapName(spec.collection());
        String raster = rasterLayer(spec.collection());
        String footprints = footprintLayer(spec.collection());
        StringBuilder m = new StringBuilder();
        m.append("# Generated by image-pipelines for collection ").append(spec.collection()).append('\n');
        m.append("# No credentials here: see docs/aerial.md, \"The MapServer host\" (pg_service.conf, .pgpass)\n");
        m.append("MAP\n");
        m.append("  NAME ").append(q(name)).append('\n');
        m.append("  STATUS ON\n");
        m.append("  EXTENT ").append(spec.extent().toMapserver()).append('\n');
        m.append("  UNITS METERS\n");
        m.append("  SIZE 800 800\n");
        m.append("  MAXSIZE 4096\n");
        m.append("  IMAGECOLOR 255 255 255\n");
        m.append("  IMAGETYPE png\n");
        if (spec.errorFile() != null) {
            m.append("  CONFIG \"MS_ERRORFILE\" ").append(q(spec.errorFile())).append('\n');
        }
        // remote COGs: GDAL must not list the bucket "folder" before opening each tile
        m.append("  CONFIG \"GDAL_DISABLE_READDIR_ON_OPEN\" \"EMPTY_DIR\"\n");
        m.append("  PROJECTION\n    \"init=epsg:3857\"\n  END\n");
        m.append("  WEB\n    METADATA\n");
        meta(m, "      ", "wms_title", spec.title());
        meta(m, "      ", "wms_abstract", "Historic aerial imagery, collection " + spec.collection());
        if (spec.onlineResource() != null) {
            meta(m, "      ", "wms_onlineresource", spec.onlineResource());
        }
        meta(m, "      ", "wms_srs", "EPSG:3857 EPSG:900913 EPSG:4326");
        meta(m, "      ", "wms_enable_request", "*");
        meta(m, "      ", "wms_feature_info_mime_type", "application/vnd.ogc.gml");
        m.append("    END\n  END\n");

        // Imagery, drawn first so the outlines sit on top
        m.append("  LAYER\n");
        m.append("    NAME ").append(q(raster)).append('\n');
        m.append("    TYPE RASTER\n");
        m.append("    STATUS ON\n");
        m.append("    TILEINDEX ").append(q(footprints)).append('\n');
        m.append("    TILEITEM \"location\"\n");
        m.append("    TILESRS \"src_srs\"\n");
        m.append("    PROJECTION\n      \"init=epsg:3857\"\n    END\n");
        m.append("    PROCESSING \"RESAMPLE=AVERAGE\"\n");
        m.append("    METADATA\n");
        meta(m, "      ", "wms_title", spec.title());
        meta(m, "      ", "wms_extent", spec.extent().toMapserver());
        m.append("    END\n");
        m.append("  END\n");

        // Footprints: the tile index itself, also served as a layer
        m.append("  LAYER\n");
        m.append("    NAME ").append(q(footprints)).append('\n');
        m.append("    TYPE POLYGON\n");
        m.append("    STATUS ON\n");
        if (spec.index() instanceof Postgis p) {
            m.append("    CONNECTIONTYPE POSTGIS\n");
            m.append("    CONNECTION ").append(q(p.conninfo())).append('\n');
            m.append("    DATA ").append(q("geom from " + p.table() + " using unique oid using srid=3857")).append('\n');
            // keep the database connection open between requests of a MapServer process (FastCGI)
            m.append("    PROCESSING \"CLOSE_CONNECTION=DEFER\"\n");
        } else if (spec.index() instanceof GeoPackage g) {
            m.append("    CONNECTIONTYPE OGR\n");
            m.append("    CONNECTION ").append(q(g.file().toAbsolutePath().toString())).append('\n');
            m.append("    DATA ").append(q(g.layer())).append('\n');
        }
        m.append("    PROJECTION\n      \"init=epsg:3857\"\n    END\n");
        m.append("    TEMPLATE \"ttt\"\n"); // makes the layer queryable (GetFeatureInfo)
        m.append("    METADATA\n");
        meta(m, "      ", "wms_title", spec.title() + " footprints");
        meta(m, "      ", "wms_include_items", "all");
        meta(m, "      ", "gml_include_items", "all");
        m.append("    END\n");
        m.append("    CLASS\n      NAME \"footprint\"\n      STYLE\n        OUTLINECOLOR 255 0 0\n        WIDTH 1\n"
                + "      END\n    END\n");
        m.append("  END\n");
        m.append("END\n");
        return m.toString();
    }

    private static void meta(StringBuilder m, String indent, String key, String value) {
        m.append(indent).append(q(key)).append(' ').append(q(value)).append('\n');
    }

    /** A mapfile string: double quotes, with {@code \} and {@code "} escaped and no line breaks. */
    static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\r\\n]+", " ") + "\"";
    }

    private static void requireTable(String t) {
        if (t == null || !TileIndexStore.TABLE_NAME.matcher(t).matches()) {
            throw new IllegalArgumentException("not a tile index table/layer name: " + t);
        }
    }
}
