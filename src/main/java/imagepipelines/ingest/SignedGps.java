package imagepipelines.ingest;

import java.util.List;
import java.util.Map;

/**
 * Puts signed GPS values into the tags (CONTRACTS §1 step 3). With {@code -n}, exiftool's EXIF {@code GPSLatitude},
 * {@code GPSLongitude} and {@code GPSAltitude} are unsigned (the hemisphere and the sea-level side live in the
 * {@code ...Ref} tags); the Animl API reads a number as signed decimal degrees, so an unsigned western longitude
 * would put a Californian camera in China. exiftool's Composite tags carry the signed values: they win here.
 */
final class SignedGps {

    static final List<String> TAGS = List.of("GPSLatitude", "GPSLongitude", "GPSAltitude");

    private SignedGps() {
    }

    /**
     * @param tags       tag name → value, first value per name (as read, group prefixes stripped)
     * @param groupOf    tag name → family-0 group of the value kept in {@code tags} (e.g. {@code EXIF}, {@code XMP})
     * @param composites tag name → exiftool's Composite value, for the names in {@link #TAGS} it computed
     * @param warnings   receives a line for each coordinate left out
     */
    static void apply(Map<String, Object> tags, Map<String, String> groupOf, Map<String, Object> composites,
            List<String> warnings) {
        for (String name : TAGS) {
            Object signed = composites.get(name);
            if (signed != null) {
                tags.put(name, signed);
            } else if (!name.equals("GPSAltitude") && tags.containsKey(name) && "EXIF".equals(groupOf.get(name))) {
                // exiftool gives no Composite without the Ref tag: the hemisphere is unknown, and a guessed sign
                // would place the camera on the wrong side of the globe. Leave the location out instead.
                tags.remove(name);
                warnings.add(name + " without " + name + "Ref: the hemisphere is unknown, so the coordinate is left out");
            }
            // GPSAltitude without GPSAltitudeRef stays as it is: EXIF's default reference is above sea level
        }
    }
}
