package imagepipelines.aerial;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the world reads the imagery bucket's objects: the location MapServer/GDAL open, the public URL and the
 * {@code dl_*} download links of the tile index.
 */
public class CogLocations {

    private final String bucket;
    private final String publicBaseUrl;
    private final LocationForm locationForm;
    private final String downloadBaseUrl;

    /**
     * @param publicBaseUrl   the bucket for anonymous reads, e.g. {@code https://b.s3.us-west-2.amazonaws.com}
     * @param locationForm    {@code vsicurl} (public-read bucket) or {@code vsis3} (private bucket)
     * @param downloadBaseUrl base of the {@code dl_*} links (the original's CDN); empty: the public base URL
     */
    public CogLocations(String bucket, String publicBaseUrl, String locationForm, String downloadBaseUrl) {
        this.bucket = bucket;
        this.publicBaseUrl = trimSlash(publicBaseUrl);
        this.locationForm = LocationForm.parse(locationForm);
        this.downloadBaseUrl = downloadBaseUrl == null || downloadBaseUrl.isBlank() ? null
                : trimSlash(downloadBaseUrl.trim());
    }

    /**
     * {@code /vsicurl/<public URL>} (public-read bucket, no credentials) or {@code /vsis3/<bucket>/<key>} (private
     * bucket: the MapServer host's IAM role).
     */
    public String location(String key) {
        return locationForm.location(bucket, key, publicUrl(key));
    }

    /** A {@code dl_*} download link: the download base URL (the original's CDN), else the public base URL. */
    public String downloadUrl(String key) {
        return urlUnder(downloadBaseUrl == null ? publicBaseUrl : downloadBaseUrl, key);
    }

    public String publicUrl(String key) {
        return urlUnder(publicBaseUrl, key);
    }

    /** {@code base} + the key, each segment URL-encoded (space as %20). */
    public static String urlUnder(String base, String key) {
        StringBuilder sb = new StringBuilder(base);
        for (String segment : key.split("/", -1)) {
            sb.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return sb.toString();
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
