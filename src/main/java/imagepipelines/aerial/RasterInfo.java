package imagepipelines.aerial;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link RasterInspector} read from a raster.
 *
 * @param file          the file inspected
 * @param driver        GDAL driver short name, e.g. {@code GTiff}
 * @param width         pixels
 * @param height        pixels
 * @param bands         one entry per band, in order
 * @param epsg          EPSG code of the CRS, or {@code null} when the CRS has none
 * @param wkt           the CRS as WKT (never empty: a raster without CRS is rejected)
 * @param is3857        whether the CRS is EPSG:3857 (by code or by equivalence)
 * @param footprint3857 outline in EPSG:3857, edges densified
 * @param warpedWidth   width a {@code gdalwarp -t_srs EPSG:3857} output would have (= width when is3857)
 * @param warpedHeight  height of that output
 * @param warpedGeoTransform that output's geotransform (the source's own when is3857); null when unknown
 */
public record RasterInfo(Path file, String driver, int width, int height, List<BandInfo> bands, Integer epsg,
                         String wkt, boolean is3857, Footprint footprint3857, int warpedWidth, int warpedHeight,
                         double[] warpedGeoTransform) {

    public RasterInfo {
        bands = List.copyOf(bands);
        warpedGeoTransform = warpedGeoTransform == null ? null : warpedGeoTransform.clone();
    }

    @Override
    public double[] warpedGeoTransform() {
        return warpedGeoTransform == null ? null : warpedGeoTransform.clone();
    }

    /** One band. {@code noData} is {@code null} when unset. */
    public record BandInfo(int index, String dataType, String colorInterpretation, Double noData) {

        public boolean isAlpha() {
            return "Alpha".equalsIgnoreCase(colorInterpretation);
        }

        public boolean isByte() {
            return "Byte".equals(dataType);
        }
    }

    public int bandCount() {
        return bands.size();
    }

    public BandInfo band(int index) {
        return bands.get(index - 1);
    }

    /** {@code EPSG:<code>} when known, else the WKT: the form MapServer's TILESRS and gdalwarp accept. */
    public String srsString() {
        return epsg != null ? "EPSG:" + epsg : wkt;
    }
}
