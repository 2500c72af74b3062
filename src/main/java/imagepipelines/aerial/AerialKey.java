package imagepipelines.aerial;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An object key of the imagery bucket:
 * {@code <bw|nc>/<County>/<Agency>_<YYYY>/<frames|index|mosaic>/<scanned|georef|cog>/<file>.tif}.
 *
 * <p>{@link #parse(String)} rejects anything else with an {@link InvalidAerialKeyException} naming what is wrong.
 * Keys arrive URL-decoded (S3 event notifications encode them; decoding is the caller's job).
 */
public record AerialKey(BandMode bandMode, String county, String agency, int year, Kind kind, Stage stage,
                        String file) {

    /** What a collection holds. */
    public enum Kind { FRAMES, INDEX, MOSAIC }

    /** Where in the pipeline an object is. */
    public enum Stage { SCANNED, GEOREF, COG }

    public static final String LAYOUT =
            "<bw|nc>/<County>/<Agency>_<YYYY>/<frames|index|mosaic>/<scanned|georef|cog>/<file>.tif";

    // A path segment: no slash, no control characters, not blank.
    private static final Pattern NAME = Pattern.compile("[^/\\p{Cntrl}]*[^/\\p{Cntrl}\\s][^/\\p{Cntrl}]*");
    private static final Pattern AGENCY_YEAR = Pattern.compile("(.+)_(\\d{4})");

    public AerialKey {
        if (bandMode == null || kind == null || stage == null) {
            throw new IllegalArgumentException("bandMode, kind and stage are required");
        }
        requireSegment(county, "county");
        requireSegment(agency, "agency");
        requireSegment(file, "file");
        if (!file.toLowerCase(Locale.ROOT).endsWith(".tif") || file.length() <= 4) {
            throw new IllegalArgumentException("file must be <name>.tif: " + file);
        }
        if (year < 1000 || year > 9999) {
            throw new IllegalArgumentException("year must have 4 digits: " + year);
        }
    }

    /** Parses a key, or throws {@link InvalidAerialKeyException} saying which part breaks the layout. */
    public static AerialKey parse(String key) {
        if (key == null || key.isBlank()) {
            throw new InvalidAerialKeyException(key, "the key is empty");
        }
        if (key.startsWith("/")) {
            throw new InvalidAerialKeyException(key, "it starts with '/'");
        }
        String[] parts = key.split("/", -1);
        if (parts.length != 6) {
            throw new InvalidAerialKeyException(key, "it has " + parts.length + " path segments, the layout has 6");
        }
        BandMode mode = switch (parts[0]) {
            case "bw" -> BandMode.BW;
            case "nc" -> BandMode.NC;
            default -> throw new InvalidAerialKeyException(key,
                    "first segment '" + parts[0] + "' is neither 'bw' nor 'nc'");
        };
        String county = parts[1];
        if (!NAME.matcher(county).matches()) {
            throw new InvalidAerialKeyException(key, "county segment '" + county + "' is empty or invalid");
        }
        Matcher ay = AGENCY_YEAR.matcher(parts[2]);
        if (!ay.matches() || !NAME.matcher(ay.group(1)).matches()) {
            throw new InvalidAerialKeyException(key,
                    "third segment '" + parts[2] + "' is not <Agency>_<YYYY> (agency, underscore, 4-digit year)");
        }
        Kind kind = enumSegment(Kind.class, parts[3], key, "fourth segment", "frames|index|mosaic");
        Stage stage = enumSegment(Stage.class, parts[4], key, "fifth segment", "scanned|georef|cog");
        String file = parts[5];
        if (!NAME.matcher(file).matches() || !file.toLowerCase(Locale.ROOT).endsWith(".tif") || file.length() <= 4) {
            throw new InvalidAerialKeyException(key, "file name '" + file + "' does not end in .tif");
        }
        return new AerialKey(mode, county, ay.group(1), Integer.parseInt(ay.group(2)), kind, stage, file);
    }

    /** {@code <County>_<Agency>_<YYYY>_<kind>}, e.g. {@code Ventura_USDA_1947_frames}. */
    public String collection() {
        return county + "_" + agency + "_" + year + "_" + kind.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The collection's PostGIS table / GeoPackage layer and mapfile name, one name for both (the original's
     * maintenance job pairs mapfiles and tables by it): lower case, anything but {@code a-z 0-9 _} as
     * {@code _} ("De Witt" -> {@code de_witt_...}), see {@link TileIndexStore#tableName}.
     */
    public String collectionTable() {
        return TileIndexStore.tableName(collection());
    }

    /** The same file at another stage, e.g. the COG key of a georef upload. */
    public AerialKey withStage(Stage other) {
        return new AerialKey(bandMode, county, agency, year, kind, other, file);
    }

    /** Another file of the same collection and stage. */
    public AerialKey withFile(String otherFile) {
        return new AerialKey(bandMode, county, agency, year, kind, stage, otherFile);
    }

    /** {@code <bw|nc>/<County>/<Agency>_<YYYY>/<kind>/} */
    public String collectionPrefix() {
        return bandMode.token() + "/" + county + "/" + agency + "_" + year + "/"
                + kind.name().toLowerCase(Locale.ROOT) + "/";
    }

    /** The key as a string. */
    public String key() {
        return collectionPrefix() + stage.name().toLowerCase(Locale.ROOT) + "/" + file;
    }

    /** File name without {@code .tif}. */
    public String baseName() {
        return file.substring(0, file.length() - 4);
    }

    /**
     * The original's tile index name: the collection path without the band prefix, {@code /} as {@code _}
     * ({@code <County>_<Agency>_<YYYY>_<kind>}, case kept).
     */
    public String tileIndexName() {
        return collection();
    }

    /** {@code .../cog/tile_index/<idx>} without extension: the shapefile's {@code .shp .shx .dbf .cpg} */
    public String tileIndexBaseKey() {
        return collectionPrefix() + "cog/tile_index/" + tileIndexName();
    }

    /** The zipped shapefile download: {@code .../cog/tile_index/<idx>_idx.zip} (the original's {@code dl_index}). */
    public String tileIndexZipKey() {
        return tileIndexBaseKey() + "_idx.zip";
    }

    /** Where the collection's mapfile goes: {@code mapfiles/<collection lower case>.map}. */
    public String mapfileKey() {
        return "mapfiles/" + collectionTable() + ".map";
    }

    @Override
    public String toString() {
        return key();
    }

    private static <E extends Enum<E>> E enumSegment(Class<E> type, String value, String key, String what,
                                                     String allowed) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
                return e;
            }
        }
        throw new InvalidAerialKeyException(key, what + " '" + value + "' is not one of " + allowed);
    }

    private static void requireSegment(String value, String what) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be a non-blank path segment without '/': " + value);
        }
    }
}
