package imagepipelines.aerial;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link CogCommand} does with a source's bands in a band mode, decided once from its {@link RasterInfo}:
 * which bands, whether it is warped, what happens to its nodata; a source the mode cannot take is rejected here.
 *
 * @param alphaMask the warp writes an alpha band that becomes the COG's internal mask: nc (JPEG keeps no
 *                  nodata) and 16-bit bw (MapServer does not draw a 16-bit nodata value transparent)
 */
record BandPlan(boolean warp, List<Integer> bands, boolean selectsBands, boolean bandNoDataValid,
                boolean bandNoDataInvalid, int overviews, boolean alphaMask) {

    static BandPlan of(RasterInfo src, BandMode mode) {
        List<Integer> bands = new ArrayList<>();
        boolean needsMask = false;
        boolean noDataValid = false;
        boolean noDataInvalid = false;
        boolean wide = false;
        switch (mode) {
            case BW -> {
                RasterInfo.BandInfo b = src.band(1);
                String type = b.dataType();
                if (!List.of("Byte", "UInt16", "Int16").contains(type)) {
                    throw new RasterRejectedException(src.file(), "bw band 1 is " + type
                            + "; grayscale scans must be Byte, UInt16 or Int16");
                }
                bands.add(1);
                wide = !b.isByte();
                if (b.noData() != null) {
                    if (fits(b.noData(), type)) {
                        noDataValid = true;
                        needsMask = wide; // a 16-bit nodata becomes a mask, also on a grid already in 3857
                    } else {
                        noDataInvalid = true;
                    }
                }
            }
            case NC -> {
                if (src.bandCount() < 3) {
                    throw new RasterRejectedException(src.file(), "nc (natural colour) needs 3 bands (red, green, "
                            + "blue) but the file has " + src.bandCount() + "; is it a bw scan?");
                }
                for (int i = 1; i <= 3; i++) {
                    RasterInfo.BandInfo b = src.band(i);
                    if (!b.isByte()) {
                        throw new RasterRejectedException(src.file(), "nc band " + i + " is " + b.dataType()
                                + "; natural colour COGs are JPEG, which needs 8-bit (Byte) bands: convert the scan "
                                + "to 8 bits first (e.g. gdal_translate -ot Byte -scale <min> <max> 0 255)");
                    }
                    bands.add(i);
                    if (b.noData() != null) {
                        if (fits(b.noData(), "Byte")) {
                            needsMask = true;
                        } else {
                            noDataInvalid = true;
                        }
                    }
                }
                if (src.bandCount() >= 4 && src.band(4).isAlpha()) {
                    bands.add(4);
                    needsMask = true;
                }
            }
        }
        boolean warp = !src.is3857() || needsMask;
        boolean selects = !bands.equals(allBands(src.bandCount()));
        return new BandPlan(warp, List.copyOf(bands), selects, noDataValid, noDataInvalid,
                CogCommand.overviewLevels(CogCommand.plannedWidth(src), CogCommand.plannedHeight(src)).size(), mode == BandMode.NC || wide);
    }

    private static List<Integer> allBands(int n) {
        List<Integer> all = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            all.add(i);
        }
        return all;
    }

    /** Whether a nodata value can be stored in a band of that type. */
    static boolean fits(double v, String type) {
        if (Double.isNaN(v) || v != Math.rint(v)) {
            return false;
        }
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "byte" -> v >= 0 && v <= 255;
            case "uint16" -> v >= 0 && v <= 65535;
            case "int16" -> v >= -32768 && v <= 32767;
            default -> true;
        };
    }
}
