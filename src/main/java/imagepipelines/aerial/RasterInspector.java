package imagepipelines.aerial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.gdal.gdal.Band;
import org.gdal.gdal.Dataset;
import org.gdal.gdal.gdal;
import org.gdal.gdalconst.gdalconst;
import org.gdal.osr.CoordinateTransformation;
import org.gdal.osr.SpatialReference;
import org.gdal.osr.osr;

/**
 * Reads what the pipeline needs to know about a raster, in-process through the GDAL Java bindings:
 * CRS, size, bands and data types, and the footprint in EPSG:3857.
 *
 * <p>Rejects (with {@link RasterRejectedException}) files GDAL cannot open, rasters without CRS or
 * georeferencing, and what {@link HostileRasterChecks} refuses (decompression bombs, truncated TIFFs).
 */
public class RasterInspector {

    /** Points per footprint edge: enough for the curvature a UTM → Web Mercator outline shows. */
    static final int POINTS_PER_EDGE = 16;

    private final HostileRasterChecks hostileChecks;

    public RasterInspector() {
        this(0);
    }

    /**
     * @param maxCompressionRatio refuse a raster whose pixels take more than this many times its file size
     *                            ({@code aerial.max-compression-ratio}); 0 for no limit
     */
    public RasterInspector(long maxCompressionRatio) {
        GdalRuntime.ensureLoaded();
        this.hostileChecks = new HostileRasterChecks(maxCompressionRatio);
    }

    public RasterInfo inspect(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RasterRejectedException(file, "no such file");
        }
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            throw new RasterRejectedException(file, "cannot be read: " + e.getMessage());
        }
        return inspect(file.toString(), length);
    }

    /**
     * Inspects a raster by its GDAL name, e.g. {@code /vsis3/bucket/key} (the S3 settings are GDAL configuration
     * options of this process, see {@link GdalS3Access}), whose size in bytes is {@code length} (for the
     * truncation check). A remote read that fails for a network/HTTP reason is an {@link java.io.UncheckedIOException}
     * (worth retrying), not a rejection of the file.
     */
    public RasterInfo inspect(String gdalName, long length) {
        Path file = Path.of(gdalName);
        Dataset ds;
        try {
            ds = gdal.Open(gdalName, gdalconst.GA_ReadOnly);
        } catch (RuntimeException e) {
            throw openFailure(file, gdalName, clean(e.getMessage()));
        }
        if (ds == null) {
            throw openFailure(file, gdalName, clean(gdal.GetLastErrorMsg()));
        }
        try {
            return inspect(file, ds, length);
        } finally {
            ds.delete();
        }
    }

    private static RuntimeException openFailure(Path file, String gdalName, String message) {
        if (gdalName.startsWith("/vsi") && !gdalName.startsWith("/vsimem/")) {
            String m = message.toLowerCase(java.util.Locale.ROOT);
            if (m.contains("http") || m.contains("curl") || m.contains("connect") || m.contains("timed out")
                    || m.contains("access denied") || m.contains("does not exist in the file system")) {
                return new java.io.UncheckedIOException(new IOException("reading " + gdalName + " failed: " + message));
            }
        }
        return new RasterRejectedException(file, "not a raster GDAL can read (" + message + ")");
    }

    private RasterInfo inspect(Path file, Dataset ds, long length) {
        String driver = ds.GetDriver().getShortName();
        int width = ds.getRasterXSize();
        int height = ds.getRasterYSize();
        int count = ds.getRasterCount();
        if (count < 1 || width < 1 || height < 1) {
            throw new RasterRejectedException(file, "has no raster bands");
        }
        hostileChecks.check(file, ds, driver, length);
        List<RasterInfo.BandInfo> bands = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            Band b = ds.GetRasterBand(i);
            Double[] nd = new Double[1];
            b.GetNoDataValue(nd);
            bands.add(new RasterInfo.BandInfo(i, gdal.GetDataTypeName(b.getDataType()),
                    gdal.GetColorInterpretationName(b.GetRasterColorInterpretation()), nd[0]));
        }

        String wkt = ds.GetProjectionRef();
        if (wkt == null || wkt.isBlank()) {
            if (ds.GetGCPCount() > 0) {
                throw new RasterRejectedException(file, "is georeferenced only by ground control points; "
                        + "warp it to a geotransform (e.g. gdalwarp) before uploading to georef/");
            }
            throw new RasterRejectedException(file, "has no coordinate reference system (no GeoTIFF "
                    + "georeferencing): georeference it before uploading to georef/");
        }
        double[] gt = ds.GetGeoTransform();
        if (gt == null || (gt[0] == 0 && gt[1] == 1 && gt[2] == 0 && gt[3] == 0 && gt[4] == 0 && gt[5] == 1)) {
            throw new RasterRejectedException(file, "has a CRS but no geotransform (pixel → map coordinates)");
        }

        SpatialReference src = new SpatialReference(wkt);
        SpatialReference web = new SpatialReference();
        try {
            src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER);
            web.ImportFromEPSG(3857);
            web.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER);
            Integer epsg = epsgOf(src);
            boolean is3857 = (epsg != null && epsg == 3857) || src.IsSame(web) == 1;
            if (is3857) {
                epsg = 3857;
            }
            Footprint footprint = footprint(gt, width, height, src, web, is3857, file);
            if (is3857) {
                return new RasterInfo(file, driver, width, height, bands, epsg, wkt, true, footprint, width, height,
                        gt);
            }
            Dataset vrt = warpedVrt(ds, wkt, web, file);
            try {
                return new RasterInfo(file, driver, width, height, bands, epsg, wkt, false, footprint,
                        vrt.getRasterXSize(), vrt.getRasterYSize(), vrt.GetGeoTransform());
            } finally {
                vrt.delete();
            }
        } finally {
            src.delete();
            web.delete();
        }
    }

    private static Integer epsgOf(SpatialReference srs) {
        String code = authorityCode(srs);
        if (code == null) {
            try {
                SpatialReference copy = srs.Clone();
                try {
                    copy.AutoIdentifyEPSG();
                    code = authorityCode(copy);
                } finally {
                    copy.delete();
                }
            } catch (RuntimeException e) {
                code = null; // not identifiable: keep the WKT only
            }
        }
        try {
            return code == null ? null : Integer.valueOf(code);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String authorityCode(SpatialReference srs) {
        String target = srs.IsProjected() == 1 ? "PROJCS" : srs.IsGeographic() == 1 ? "GEOGCS" : null;
        String name = srs.GetAuthorityName(target);
        return "EPSG".equalsIgnoreCase(name) ? srs.GetAuthorityCode(target) : null;
    }

    private static Footprint footprint(double[] gt, int w, int h, SpatialReference src, SpatialReference web,
                                       boolean is3857, Path file) {
        List<double[]> pixels = new ArrayList<>(4 * POINTS_PER_EDGE + 1);
        int n = is3857 ? 1 : POINTS_PER_EDGE; // a north-up 3857 raster is a rectangle
        for (int i = 0; i < n; i++) {
            pixels.add(new double[] {(double) w * i / n, 0});
        }
        for (int i = 0; i < n; i++) {
            pixels.add(new double[] {w, (double) h * i / n});
        }
        for (int i = 0; i < n; i++) {
            pixels.add(new double[] {w - (double) w * i / n, h});
        }
        for (int i = 0; i < n; i++) {
            pixels.add(new double[] {0, h - (double) h * i / n});
        }
        List<double[]> ring = new ArrayList<>(pixels.size() + 1);
        CoordinateTransformation ct = is3857 ? null : osr.CreateCoordinateTransformation(src, web);
        try {
            for (double[] p : pixels) {
                double x = gt[0] + p[0] * gt[1] + p[1] * gt[2];
                double y = gt[3] + p[0] * gt[4] + p[1] * gt[5];
                if (ct != null) {
                    double[] t = ct.TransformPoint(x, y);
                    x = t[0];
                    y = t[1];
                }
                ring.add(new double[] {x, y});
            }
        } catch (RuntimeException e) {
            throw new RasterRejectedException(file, "its outline cannot be transformed to EPSG:3857 ("
                    + clean(e.getMessage()) + ")", e);
        } finally {
            if (ct != null) {
                ct.delete();
            }
        }
        try {
            return new Footprint(ring);
        } catch (IllegalArgumentException e) {
            throw new RasterRejectedException(file, "its outline is outside the EPSG:3857 domain", e);
        }
    }

    /** The grid gdalwarp would pick for a 3857 output (same algorithm: GDALSuggestedWarpOutput). */
    private static Dataset warpedVrt(Dataset ds, String srcWkt, SpatialReference web, Path file) {
        Dataset vrt;
        try {
            vrt = gdal.AutoCreateWarpedVRT(ds, srcWkt, web.ExportToWkt(), gdalconst.GRA_NearestNeighbour, 0.125);
        } catch (RuntimeException e) {
            throw new RasterRejectedException(file, "cannot be reprojected to EPSG:3857 (" + clean(e.getMessage())
                    + ")", e);
        }
        if (vrt == null) {
            throw new RasterRejectedException(file, "cannot be reprojected to EPSG:3857 ("
                    + clean(gdal.GetLastErrorMsg()) + ")");
        }
        return vrt;
    }

    static String clean(String gdalMessage) {
        if (gdalMessage == null || gdalMessage.isBlank()) {
            return "no detail from GDAL";
        }
        return gdalMessage.strip();
    }
}
