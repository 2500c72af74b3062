package imagepipelines.aerial;

import java.util.Locale;

/**
 * How a tile index {@code location} names a COG for GDAL inside MapServer ({@code aerial.location.form}).
 */
public enum LocationForm {
    /** {@code /vsicurl/https://<bucket>.s3.<region>.amazonaws.com/<key>}: public-read COGs, anonymous reads. */
    VSICURL,
    /**
     * {@code /vsis3/<bucket>/<key>}: a private bucket (ACLs disabled, no public policy); GDAL signs the requests
     * with the MapServer host's own credentials (instance/task role), never with keys in the mapfile.
     */
    VSIS3;

    public static LocationForm parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("aerial.location.form must be vsicurl or vsis3, not " + s);
        }
    }

    String location(String bucket, String key, String publicUrl) {
        return this == VSIS3 ? "/vsis3/" + bucket + "/" + key : "/vsicurl/" + publicUrl;
    }
}
