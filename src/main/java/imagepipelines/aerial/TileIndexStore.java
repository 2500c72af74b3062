package imagepipelines.aerial;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a collection's tile index lives: one table/layer per collection, one row per COG, keyed by the COG's
 * file name. Updating one COG touches one row (never a rebuild from a bucket listing), and running the same
 * COG again replaces its row instead of adding a second one.
 */
public interface TileIndexStore {

    /**
     * Column names, shared by every store and by the shapefile (all at most 10 characters, the DBF limit): the
     * original pipeline's {@code location src_srs date roll frame_num dl_orig dl_georef dl_index} plus our
     * {@code name}.
     */
    String NAME = "name";
    String LOCATION = "location";
    String SRC_SRS = "src_srs";
    String DATE = "date";
    String ROLL = "roll";
    String FRAME_NUM = "frame_num";
    String DL_ORIG = "dl_orig";
    String DL_GEOREF = "dl_georef";
    String DL_INDEX = "dl_index";
    /** The original's columns (location .. dl_index) in its order, after our {@code name}. */
    List<String> ATTRIBUTES = List.of(NAME, LOCATION, SRC_SRS, DATE, ROLL, FRAME_NUM, DL_ORIG, DL_GEOREF, DL_INDEX);
    String GEOMETRY = "geom";

    /** Inserts or replaces the entry with the same name, creating the collection's table/layer if missing. */
    void upsert(String collection, TileIndexEntry entry);

    /** Entries ordered by name; empty when the collection has no index yet. */
    List<TileIndexEntry> entries(String collection);

    /** Union of the footprints' envelopes; empty when there are none. */
    Optional<Envelope> extent(String collection);

    /** Removes the entry of that name; false when there was none. */
    boolean remove(String collection, String name);

    /**
     * Table/layer name of a collection: lower case, characters other than {@code a-z 0-9 _} replaced by
     * {@code _} (so it can be used unquoted in MapServer DATA strings and OGR SQL), at most 63 characters
     * (PostgreSQL's identifier limit).
     */
    static String tableName(String collection) {
        if (collection == null || collection.isBlank()) {
            throw new IllegalArgumentException("collection name is empty");
        }
        String t = collection.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (!Character.isLetter(t.charAt(0))) {
            t = "c_" + t;
        }
        if (t.length() > 63) {
            throw new IllegalArgumentException("collection name '" + collection + "' is longer than 63 characters, "
                    + "the limit of a PostgreSQL table name");
        }
        return t;
    }

    /** For checks in callers: names {@link #tableName} produces. */
    Pattern TABLE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
}
