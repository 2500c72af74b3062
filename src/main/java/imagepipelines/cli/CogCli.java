package imagepipelines.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imagepipelines.aerial.BandMode;
import imagepipelines.aerial.CogCommand;
import imagepipelines.aerial.CogConverter;
import imagepipelines.aerial.GdalCommandException;
import imagepipelines.aerial.RasterInfo;
import imagepipelines.aerial.RasterRejectedException;
import imagepipelines.common.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cog [--mode bw|nc] [--resampling METHOD] SRC.tif DST.tif}: the aerial routes' GDAL steps on a local file
 * (inspect; gdalwarp into a scratch file next to DST when the source must be warped, then
 * {@code gdal_translate -of COG}; GDAL's COG validator; inspect the result) and a JSON report: band layout, CRS,
 * footprint, the commands, validation. Without {@code --mode}: 1 or 2 bands are bw, 3 or more nc (in the bucket the
 * key says). Without {@code --resampling}: {@code aerial.reproject.resampling} (default near), as the routes.
 * Exit code 0 for a valid COG, 1 when the source is rejected or the result is not valid, 2 for usage errors.
 */
@Command(name = "cog",
        description = "the aerial routes' GDAL steps on a local GeoTIFF; prints JSON (bands, CRS, footprint, commands, "
        + "COG validation); exit 1 when the source is rejected or the result is not a valid COG")
final class CogCli implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--mode", paramLabel = "bw|nc", description = "band layout (default: from the band count)")
    String modeName;

    @Option(names = "--resampling", paramLabel = "near|bilinear|...",
            description = "gdalwarp's -r (default: aerial.reproject.resampling)")
    String resampling;

    @Parameters(index = "0", paramLabel = "SRC.tif")
    Path src;

    @Parameters(index = "1", paramLabel = "DST.tif")
    Path dst;

    @Override
    public Integer call() throws Exception {
        BandMode mode = null;
        if (modeName != null) {
            mode = switch (modeName.toLowerCase(Locale.ROOT)) {
                case "bw" -> BandMode.BW;
                case "nc" -> BandMode.NC;
                default -> null;
            };
            if (mode == null) {
                System.err.println("--mode must be bw or nc");
                return 2;
            }
        }
        if (resampling == null) {
            resampling = new Settings().get("aerial.reproject.resampling", CogCommand.DEFAULT_RESAMPLING);
        }
        CogConverter converter;
        try {
            converter = new CogConverter(resampling);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (dst.toAbsolutePath().getParent() != null) {
            Files.createDirectories(dst.toAbsolutePath().getParent());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", src.toString());
        out.put("output", dst.toString());
        try {
            if (mode == null) {
                RasterInfo probe = new imagepipelines.aerial.RasterInspector().inspect(src);
                mode = probe.bandCount() >= 3 ? BandMode.NC : BandMode.BW;
                out.put("modeFrom", probe.bandCount() + " band(s)");
            }
            out.put("mode", mode.token());
            CogConverter.Result r = converter.convert(mode, src, dst);
            out.put("sourceInfo", describe(r.source()));
            out.put("commands", r.commands());
            out.put("cog", describe(r.cog()));
            out.put("cogBytes", Files.size(dst));
            out.put("overviewFactors", CogCommand.overviewLevels(r.cog().width(), r.cog().height()));
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("valid", r.validation().valid());
            v.put("errors", r.validation().errors());
            v.put("warnings", r.validation().warnings());
            out.put("validation", v);
            out.put("seconds", r.elapsed().toMillis() / 1000.0);
            System.out.println(JSON.writeValueAsString(out));
            return r.validation().valid() ? 0 : 1;
        } catch (RasterRejectedException | GdalCommandException e) {
            out.put("rejected", e.getMessage());
            System.out.println(JSON.writeValueAsString(out));
            return 1;
        }
    }

    static Map<String, Object> describe(RasterInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("driver", i.driver());
        m.put("width", i.width());
        m.put("height", i.height());
        List<Map<String, Object>> bands = new ArrayList<>();
        for (RasterInfo.BandInfo b : i.bands()) {
            Map<String, Object> bm = new LinkedHashMap<>();
            bm.put("band", b.index());
            bm.put("type", b.dataType());
            bm.put("colour", b.colorInterpretation());
            bm.put("nodata", b.noData());
            bands.add(bm);
        }
        m.put("bands", bands);
        m.put("crs", i.epsg() != null ? "EPSG:" + i.epsg() : "(no EPSG code)");
        m.put("is3857", i.is3857());
        m.put("footprint3857", i.footprint3857().toWkt());
        var e = i.footprint3857().envelope();
        m.put("extent3857", List.of(e.minX(), e.minY(), e.maxX(), e.maxY()));
        return m;
    }
}
