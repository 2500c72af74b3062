package imagepipelines.aerial;

import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The tile index attributes the original pipeline derived from a COG's file name and key (CONTRACTS.md §3,
 * lambda-s4 {@code ls4-04-shp_index}), so existing collections keep their meaning:
 * <ul>
 *   <li>frames {@code <date>_<roll>-<frame>[_...].tif}: date, roll, frame; without {@code -} the roll is
 *       {@code N/A} and the second part the frame, allowed for the agencies AMS and USGS only;</li>
 *   <li>index {@code <roll>_<date>_<frame>[_<tile>].tif}: the scan is {@code <roll>_<date>_<frame>.tif}, or with
 *       a {@code dpi} tile part and a fifth part {@code <roll>_<date>_<frame>_<tile>.tif};</li>
 *   <li>mosaic: date and roll {@code MULTIPLE}, frame = the name without "mosaic", no scan ({@code N/A});</li>
 *   <li>the county {@code StratMap}: {@code <roll>_<frame>_<date>}.</li>
 * </ul>
 * Links: {@code dl_georef} the COG, {@code dl_orig} the scan under {@code scanned/}, {@code dl_index} the
 * collection's {@code cog/tile_index/<idx>_idx.zip}, each through the download base URL.
 *
 * <p>The one refusal the contract names (a frame name without a roll, agency not AMS/USGS) is a
 * {@link NamingException}. A name with fewer {@code _} parts than its rule reads (the original failed on it with
 * an IndexError and indexed nothing) gets null date/roll/frame_num: the COG is still indexed, with its links.
 */
public record FrameAttributes(String date, String roll, String frameNum, String dlOrig, String dlGeoref,
                              String dlIndex) {

    /** Agencies whose frame names may lack a roll (the original's {@code no_roll_agencies}). */
    public static final Set<String> NO_ROLL_AGENCIES = Set.of("AMS", "USGS");

    /** A COG's file name that the original's rules cannot read: the upload gets an error record. */
    public static class NamingException extends IllegalArgumentException {
        public NamingException(String message) {
            super(message);
        }
    }

    /**
     * @param any a key of the COG's collection and file name (any stage)
     * @param url the download URL of a key
     */
    public static FrameAttributes of(AerialKey any, UnaryOperator<String> url) {
        AerialKey cog = any.withStage(AerialKey.Stage.COG);
        String name = cog.baseName();
        String[] p = name.split("_", -1);
        String scanFile = cog.file();
        String date;
        String roll;
        String frame;
        boolean stratMap = "StratMap".equals(cog.county());
        if (stratMap ? p.length < 3 : cog.kind() == AerialKey.Kind.INDEX ? p.length < 3
                : cog.kind() == AerialKey.Kind.FRAMES && p.length < 2) {
            date = null;
            roll = null;
            frame = null;
        } else if (stratMap) {
            roll = p[0];
            frame = p[1];
            date = p[2];
        } else if (cog.kind() == AerialKey.Kind.MOSAIC) {
            date = "MULTIPLE";
            roll = "MULTIPLE";
            frame = name.replace("mosaic", "");
        } else if (cog.kind() == AerialKey.Kind.INDEX) {
            roll = p[0];
            date = p[1];
            frame = p[2];
            if (p.length >= 4 && !p[3].contains("dpi")) {
                scanFile = roll + "_" + date + "_" + frame + ".tif";
            } else if (p.length >= 5) {
                scanFile = roll + "_" + date + "_" + frame + "_" + p[3] + ".tif";
            }
        } else {
            date = p[0];
            if (p[1].contains("-")) {
                String[] rf = p[1].split("-", -1);
                roll = rf[0];
                frame = rf[1];
            } else if (NO_ROLL_AGENCIES.contains(cog.agency())) {
                roll = "N/A";
                frame = p[1];
            } else {
                throw new NamingException("frame file name '" + cog.file() + "' has no roll: frames are named "
                        + "<date>_<roll>-<frame>.tif; only the agencies " + NO_ROLL_AGENCIES.stream().sorted()
                        .toList() + " may leave the roll out (<date>_<frame>.tif)");
            }
        }
        String dlOrig = cog.kind() == AerialKey.Kind.MOSAIC && !stratMap ? "N/A"
                : url.apply(cog.withStage(AerialKey.Stage.SCANNED).withFile(scanFile).key());
        return new FrameAttributes(date, roll, frame, dlOrig, url.apply(cog.key()), url.apply(cog.tileIndexZipKey()));
    }
}
