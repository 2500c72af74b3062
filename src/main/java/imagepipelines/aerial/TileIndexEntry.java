package imagepipelines.aerial;

import java.util.Objects;

/**
 * One COG in a collection's tile index: its footprint (EPSG:3857) and the attributes the original pipeline's
 * tables and shapefiles carry (CONTRACTS.md §3), plus {@code name}, the COG's file name, by which an upsert
 * replaces a row.
 *
 * @param name      the COG's file name; unique within a collection
 * @param location  where MapServer/GDAL read the COG: {@code /vsicurl/https://...} (public-read bucket) or
 *                  {@code /vsis3/<bucket>/<key>} (private bucket, the MapServer host's own credentials)
 * @param srcSrs    CRS of the file at {@code location} ({@code EPSG:3857} for our COGs), read by TILESRS
 * @param date      as the original derived it from the file name (frames: first {@code _} part); may be null
 * @param roll      film roll ({@code N/A} for AMS/USGS frames without one, {@code MULTIPLE} for mosaics)
 * @param frameNum  frame number
 * @param dlOrig    download link of the scan under {@code scanned/} ({@code N/A} for mosaics)
 * @param dlGeoref  download link of the COG
 * @param dlIndex   download link of the collection's zipped shapefile ({@code <idx>_idx.zip})
 * @param footprint outline in EPSG:3857
 */
public record TileIndexEntry(String name, String location, String srcSrs, String date, String roll, String frameNum,
                             String dlOrig, String dlGeoref, String dlIndex, Footprint footprint) {

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
        return new TileIndexEntry(name, location, cog.srsString(), null, null, null, null, null, null,
                cog.footprint3857());
    }

    public TileIndexEntry with(FrameAttributes a) {
        return new TileIndexEntry(name, location, srcSrs, a.date(), a.roll(), a.frameNum(), a.dlOrig(),
                a.dlGeoref(), a.dlIndex(), footprint);
    }
}
