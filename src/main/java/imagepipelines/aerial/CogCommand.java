package imagepipelines.aerial;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Builds the argument lists of the GDAL programs that turn a georeferenced upload into a Cloud Optimized
 * GeoTIFF. Pure: it only looks at a {@link RasterInfo}; running is {@link GdalCommandRunner}'s job (or
 * camel-exec's, with the same lists).
 *
 * <h2>Two commands ({@link #commands}), each pixel warped once and compressed once</h2>
 * <ol>
 *   <li>{@link #warpToScratch}, only when the source must be warped (not in EPSG:3857, or an nc source whose
 *       nodata/alpha must become a mask): {@code gdalwarp -t_srs EPSG:3857 -r <resampling>} into an
 *       <em>uncompressed</em> tiled GeoTIFF in scratch space, on gdalwarp's own grid widened to a multiple of
 *       2^(overview count) ({@link #warpedSize}). Not {@code gdalwarp -of COG}: the COG driver reads
 *       its input twice (once for the overviews, once for the full-resolution image), which on a warped VRT means
 *       warping every pixel twice (timings in docs/aerial.md).</li>
 *   <li>{@link #translateToCog}: {@code gdal_translate -of COG} on the scratch file (or on the source, when
 *       nothing needs warping), which writes the compressed tiles, the overviews and the COG layout in one go.</li>
 * </ol>
 * The original wrote the pixels three times after its warp (compressed GeoTIFF, external overviews, COG copy).
 * <ul>
 *   <li>Resampling of the reprojection: {@value #DEFAULT_RESAMPLING} by default (what the original's
 *       {@code gdalwarp -t_srs EPSG:3857} did: keeps the scanned pixel values); any of {@link #RESAMPLINGS}.</li>
 *   <li>{@code bw}: band 1 only; DEFLATE with predictor 2 (also on the overviews). Byte, UInt16 and Int16 are
 *       kept as they are (lossless; 16-bit scans stay 16-bit). Float/complex bands are rejected.</li>
 *   <li>{@code nc}: bands 1, 2, 3; JPEG quality 85 (also the overviews), which the COG driver writes as YCbCr.
 *       They must be Byte: JPEG holds 8 bits and the right way to squeeze a 16-bit scan into 8 depends on the
 *       scan, so a 16-bit nc source is rejected with a message saying so. A 4th band is dropped unless it is
 *       an alpha band, which is kept and becomes the COG's internal mask.</li>
 *   <li>Transparency: JPEG cannot keep a nodata value exactly (pixels near 0 blur into 1, 2, …), so for nc
 *       the nodata value / alpha of the source becomes an alpha band ({@code gdalwarp -dstalpha}) that the COG
 *       driver turns into an internal mask; an nc source in EPSG:3857 that has nodata or alpha therefore goes
 *       through {@code gdalwarp} without {@code -t_srs}, which keeps its grid. For 8-bit bw a valid nodata value
 *       is kept (DEFLATE is lossless); an 8-bit bw source reprojected without nodata gets nodata 0 for the area
 *       outside the image, so pure-black pixels also show as transparent. 16-bit bw gets an internal mask like nc
 *       (alpha band from the warp, {@code -mask 2} in the COG step): MapServer 8 draws a 16-bit band's nodata
 *       pixels opaque (clipped to white) but honours a mask. A nodata value the band type cannot hold
 *       (the original's 256 on Byte bands) is dropped, never copied.</li>
 *   <li>Overviews: factors 2, 4, … 64 with AVERAGE resampling, as many as keep the smallest overview at least
 *       {@value #MIN_OVERVIEW_SIZE} px on its longer side ({@link #overviewLevels}).</li>
 *   <li>Tiles {@value #BLOCK_SIZE}x{@value #BLOCK_SIZE}; {@code NUM_THREADS=ALL_CPUS}; BigTIFF if needed (also
 *       for the scratch file, which is uncompressed).</li>
 * </ul>
 */
public final class CogCommand {

    public static final int BLOCK_SIZE = 512;
    public static final int JPEG_QUALITY = 85;
    public static final int MAX_OVERVIEW_FACTOR = 64;
    public static final int MIN_OVERVIEW_SIZE = 128;
    public static final String TARGET_SRS = "EPSG:3857";
    public static final String DEFAULT_RESAMPLING = "near";
    /** gdalwarp's {@code -r} methods (GDAL 3.6). */
    public static final Set<String> RESAMPLINGS = Set.of("near", "bilinear", "cubic", "cubicspline", "lanczos",
            "average", "rms", "mode", "max", "min", "med", "q1", "q3", "sum");

    private CogCommand() {
    }

    /** The resampling method, checked: a typo in the configuration fails at start-up, not on the first upload. */
    public static String resampling(String method) {
        String m = method == null ? "" : method.trim().toLowerCase(Locale.ROOT);
        if (!RESAMPLINGS.contains(m)) {
            throw new IllegalArgumentException("reprojection resampling '" + method + "' is not one of gdalwarp's "
                    + new java.util.TreeSet<>(RESAMPLINGS));
        }
        return m;
    }

    /**
     * Whether the source goes through {@link #warpToScratch} first: it is not in EPSG:3857, or it is an nc source
     * whose nodata/alpha must become a mask. Throws {@link RasterRejectedException} for a source the mode cannot
     * take (nc 16-bit, bw float, nc with fewer than 3 bands).
     */
    public static boolean warps(RasterInfo src, BandMode mode) {
        return BandPlan.of(src, mode).warp();
    }

    /**
     * Both commands in order: {@link #warpToScratch} into {@code scratch} when {@link #warps}, then
     * {@link #translateToCog} into {@code output}. The caller deletes {@code scratch} afterwards.
     */
    public static List<List<String>> commands(RasterInfo src, BandMode mode, Path input, Path scratch, Path output,
                                              String resampling) {
        if (warps(src, mode)) {
            return List.of(warpToScratch(src, mode, input, scratch, resampling),
                    translateToCog(src, mode, scratch, true, output));
        }
        return List.of(translateToCog(src, mode, input, false, output));
    }

    /**
     * Step 1: {@code gdalwarp} of the bands the mode takes into {@code scratch}, an uncompressed GeoTIFF tiled
     * like the COG (the COG driver then reads it tile by tile). Reprojects to EPSG:3857 with {@code resampling}
     * unless the source is in it already (then the grid is kept and only nodata/alpha becomes an alpha band).
     *
     * @throws IllegalStateException when the source needs no warp ({@link #warps} is false)
     */
    public static List<String> warpToScratch(RasterInfo src, BandMode mode, Path input, Path scratch,
                                             String resampling) {
        BandPlan plan = BandPlan.of(src, mode);
        if (!plan.warp()) {
            throw new IllegalStateException(src.file() + " needs no warp: gdal_translate -of COG reads it directly");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add("gdalwarp");
        cmd.add("-overwrite");
        if (!src.is3857()) {
            cmd.addAll(List.of("-t_srs", TARGET_SRS, "-r", resampling(resampling)));
        }
        cmd.addAll(List.of("-multi", "-wo", "NUM_THREADS=ALL_CPUS"));
        if (plan.bandNoDataInvalid()) {
            cmd.addAll(List.of("-srcnodata", "None"));
        }
        if (plan.alphaMask()) {
            // the outside of the scan (and its nodata pixels) as an alpha band, which becomes the COG's mask
            cmd.addAll(List.of("-dstalpha", "-dstnodata", "None"));
        } else if (!plan.bandNoDataValid()) {
            cmd.addAll(List.of("-dstnodata", "0"));
        }
        int[] size = paddedSize(src, plan.overviews());
        if (size[0] != plannedWidth(src) || size[1] != plannedHeight(src)) {
            // gdalwarp's own grid (north-up: warpedSize checked), extended to the right and at the bottom
            // (transparent) so that every overview is exactly half the size of the one before: GDAL then averages
            // 2x2 blocks, not 3 rows with fractional weights, which is faster (docs/aerial.md)
            double[] gt = src.warpedGeoTransform();
            double xMin = gt[0];
            double yMax = gt[3];
            cmd.addAll(List.of("-te", Double.toString(xMin), Double.toString(yMax + size[1] * gt[5]),
                    Double.toString(xMin + size[0] * gt[1]), Double.toString(yMax),
                    "-ts", Integer.toString(size[0]), Integer.toString(size[1])));
        }
        // uncompressed: written once and read once, compressing it would only cost time
        cmd.addAll(List.of("-of", "GTiff", "-co", "TILED=YES", "-co", "BLOCKXSIZE=" + BLOCK_SIZE,
                "-co", "BLOCKYSIZE=" + BLOCK_SIZE, "-co", "BIGTIFF=IF_SAFER"));
        cmd.add(plan.selectsBands() ? vrtBands(input, plan.bands()) : input.toString());
        cmd.add(scratch.toString());
        return List.copyOf(cmd);
    }

    /**
     * Step 2: {@code gdal_translate -of COG} with the mode's compression and the overviews. {@code warped}: the
     * input is {@link #warpToScratch}'s output (bands already selected, nodata already settled, an nc alpha band
     * that the COG driver turns into the mask); otherwise it is the source itself, in EPSG:3857.
     */
    public static List<String> translateToCog(RasterInfo src, BandMode mode, Path input, boolean warped,
                                              Path output) {
        BandPlan plan = BandPlan.of(src, mode);
        if (plan.warp() != warped) {
            throw new IllegalStateException(src.file() + (plan.warp() ? " must be warped first" : " needs no warp"));
        }
        List<String> cmd = new ArrayList<>();
        cmd.add("gdal_translate");
        cmd.addAll(List.of("-of", "COG"));
        if (warped && mode == BandMode.BW && plan.alphaMask()) {
            // DEFLATE keeps an alpha band as a band: make it the internal mask (MapServer 8 draws a 16-bit band's
            // nodata opaque, clipped to white, but honours a mask)
            cmd.addAll(List.of("-b", "1", "-mask", "2"));
        }
        if (!warped) {
            for (int b : plan.bands()) {
                cmd.addAll(List.of("-b", Integer.toString(b)));
            }
            if (plan.bandNoDataInvalid()) {
                cmd.addAll(List.of("-a_nodata", "none"));
            }
        }
        cmd.addAll(creationOptions(mode, plan.overviews()));
        if (plan.overviews() > 0) {
            // the COG driver computes the overviews into temporary files it compresses with ZSTD by default;
            // uncompressed they are written and read back faster (docs/aerial.md). A GDAL that does not know the
            // option ignores it.
            cmd.addAll(List.of("--config", "COG_TMP_COMPRESSION", "NONE"));
        }
        cmd.add(input.toString());
        cmd.add(output.toString());
        return List.copyOf(cmd);
    }

    /**
     * The original's chain, for comparison only (the benchmark): optional reprojection to a temporary GeoTIFF
     * (with the same resampling as ours, so the comparison is fair), a compressed tiled GeoTIFF, external
     * overviews with {@code gdaladdo -ro}, then a COG copy that takes those overviews over. Three or four full
     * passes over the pixels.
     */
    public static List<List<String>> threePassChain(RasterInfo src, BandMode mode, Path input, Path workDir,
                                                    Path output, String resampling) {
        BandPlan plan = BandPlan.of(src, mode);
        List<List<String>> cmds = new ArrayList<>();
        String current = input.toString();
        if (!src.is3857()) {
            Path warped = workDir.resolve("warped.tif");
            cmds.add(List.of("gdalwarp", "-overwrite", "-t_srs", TARGET_SRS, "-r", resampling(resampling), current,
                    warped.toString()));
            current = warped.toString();
        }
        Path compressed = workDir.resolve("compressed.tif");
        List<String> translate = new ArrayList<>(List.of("gdal_translate", "-of", "GTiff"));
        for (int b : plan.bands()) {
            translate.addAll(List.of("-b", Integer.toString(b)));
        }
        translate.addAll(List.of("-co", "TILED=YES", "-co", "BLOCKXSIZE=" + BLOCK_SIZE, "-co",
                "BLOCKYSIZE=" + BLOCK_SIZE, "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2", "-co",
                "BIGTIFF=IF_SAFER", current, compressed.toString()));
        cmds.add(List.copyOf(translate));
        List<String> addo = new ArrayList<>(List.of("gdaladdo", "-ro", "-r", "average", compressed.toString()));
        for (int f = 2; f <= MAX_OVERVIEW_FACTOR; f *= 2) {
            addo.add(Integer.toString(f));
        }
        cmds.add(List.copyOf(addo));
        List<String> cog = new ArrayList<>(List.of("gdal_translate", "-of", "COG"));
        cog.addAll(compressionOptions(mode));
        cog.addAll(List.of("-co", "BLOCKSIZE=" + BLOCK_SIZE, compressed.toString(), output.toString()));
        cmds.add(List.copyOf(cog));
        return List.copyOf(cmds);
    }

    /**
     * Size of the scratch file {@link #warpToScratch} writes: gdalwarp's own size for EPSG:3857, rounded up to a
     * multiple of 2^(number of overviews), so every overview level halves the one before exactly. (The extra
     * columns and rows are outside the source: transparent, or nodata.) Without overviews, or when the grid is
     * unknown or rotated, gdalwarp's own size.
     */
    public static int[] warpedSize(RasterInfo src, BandMode mode) {
        return paddedSize(src, BandPlan.of(src, mode).overviews());
    }

    private static int[] paddedSize(RasterInfo src, int overviews) {
        int w = plannedWidth(src);
        int h = plannedHeight(src);
        double[] gt = src.warpedGeoTransform();
        if (overviews == 0 || gt == null || gt[2] != 0 || gt[4] != 0 || gt[1] <= 0 || gt[5] >= 0) {
            return new int[] {w, h};
        }
        int m = 1 << overviews;
        return new int[] {(w + m - 1) / m * m, (h + m - 1) / m * m};
    }

    static int plannedWidth(RasterInfo src) {
        return src.is3857() ? src.width() : src.warpedWidth();
    }

    static int plannedHeight(RasterInfo src) {
        return src.is3857() ? src.height() : src.warpedHeight();
    }

    /**
     * Overview factors for a raster of that size: 2, 4, … up to {@value #MAX_OVERVIEW_FACTOR}, stopping before an
     * overview would be smaller than {@value #MIN_OVERVIEW_SIZE} px on its longer side. Empty for small rasters.
     */
    public static List<Integer> overviewLevels(int width, int height) {
        int longer = Math.max(width, height);
        List<Integer> levels = new ArrayList<>();
        for (int f = 2; f <= MAX_OVERVIEW_FACTOR; f *= 2) {
            if ((longer + f - 1) / f < MIN_OVERVIEW_SIZE) {
                break;
            }
            levels.add(f);
        }
        return List.copyOf(levels);
    }

    private static List<String> creationOptions(BandMode mode, int overviewCount) {
        List<String> co = new ArrayList<>(compressionOptions(mode));
        co.addAll(List.of(
                "-co", "BLOCKSIZE=" + BLOCK_SIZE,
                "-co", "OVERVIEWS=IGNORE_EXISTING",
                "-co", "OVERVIEW_COUNT=" + overviewCount,
                "-co", "OVERVIEW_RESAMPLING=AVERAGE",
                "-co", "NUM_THREADS=ALL_CPUS",
                "-co", "BIGTIFF=IF_SAFER"));
        return co;
    }

    private static List<String> compressionOptions(BandMode mode) {
        return switch (mode) {
            case NC -> List.of("-co", "COMPRESS=JPEG", "-co", "QUALITY=" + JPEG_QUALITY,
                    "-co", "OVERVIEW_COMPRESS=JPEG", "-co", "OVERVIEW_QUALITY=" + JPEG_QUALITY);
            case BW -> List.of("-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2",
                    "-co", "OVERVIEW_COMPRESS=DEFLATE", "-co", "OVERVIEW_PREDICTOR=2");
        };
    }

    /** GDAL's {@code vrt://} connection string (GDAL ≥ 3.1): band subset without a temporary file. */
    private static String vrtBands(Path input, List<Integer> bands) {
        StringBuilder sb = new StringBuilder("vrt://").append(input).append("?bands=");
        for (int i = 0; i < bands.size(); i++) {
            sb.append(i > 0 ? "," : "").append(bands.get(i));
        }
        return sb.toString();
    }
}
