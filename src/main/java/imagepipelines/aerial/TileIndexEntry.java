package imagepipelines.aerial;

import java.util.Objects;

/**
 * One COG in a collection's tile index: its footprint (EPSG:3857) and attributes.
 *
 * @param name      the COG's file name; unique within a collection and the key an upsert replaces by
 * @param location  where MapServer/GDAL read the COG, e.g. {@code /vsicurl/https://bucket.s3.amazonaws.com/key}
 *                  (COGs are public-read, so no credentials are needed) or a local path
 * @param srcSrs    CRS of the file at {@code location} ({@code EPSG:3857} for our COGs), read by MapServer's
 *                  TILESRS
 * @param date      acquisition date as known (often only the year); may be null
 * @param roll      film roll; may be null
 * @param frameNum  frame number on the roll; may be null
 * @param cogUrl    HTTP download link of the COG; may be null
 * @param scanUrl   HTTP download link of the original scan; may be null
 * @param footprint outline in EPSG:3857
 */
public record TileIndexEntry(String name, String location, String srcSrs, String date, String roll, String frameNum,
                             String cogUrl, String scanUrl, Footprint footprint) {

    public TileIndexEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(srcSrs, "srcSrs");
        Objects.requireNonNull(footprint, "footprint");
        if (name.isBlank() || location.isBlank() || srcSrs.isBlank()) {
            throw new IllegalArgumentException("name, location and srcSrs must not be blank");
        }
    }

    /** An entry for a COG inspected by {@link RasterInspector}; attributes not known yet are null. */
    public static TileIndexEntry forCog(String name, String location, RasterInfo cog) {
        return new TileIndexEntry(name, location, cog.srsString(), null, null, null, null, null, cog.footprint3857());
    }

    public TileIndexEntry withAttributes(String date, String roll, String frameNum, String cogUrl, String scanUrl) {
        return new TileIndexEntry(name, location, srcSrs, date, roll, frameNum, cogUrl, scanUrl, footprint);
    }
}
