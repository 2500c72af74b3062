package imagepipelines.aerial;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.gdal.gdal.gdal;

/**
 * How GDAL reads the imagery bucket through {@code /vsis3/}: the settings GDAL needs, given to the GDAL programs
 * as their environment ({@link #environment()}) and to the in-process bindings as configuration options
 * ({@link #applyInProcess()}). Against real AWS (no endpoint, no keys) only the region is set and GDAL finds
 * credentials itself (instance/task role, web identity, environment). Against a local S3 server the endpoint
 * becomes {@code AWS_S3_ENDPOINT} with {@code AWS_HTTPS=NO} and {@code AWS_VIRTUAL_HOSTING=FALSE} (path style)
 * and the keys are passed as {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}: never on a command line,
 * never in a log line ({@link #toString()} leaves them out).
 */
public final class GdalS3Access {

    private final Map<String, String> env;

    public GdalS3Access(String endpoint, String region, String accessKey, String secretKey) {
        Map<String, String> e = new LinkedHashMap<>();
        if (region != null && !region.isBlank()) {
            e.put("AWS_REGION", region.trim());
            e.put("AWS_DEFAULT_REGION", region.trim());
        }
        if (endpoint != null && !endpoint.isBlank()) {
            URI uri = URI.create(endpoint.trim());
            String hostPort = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
            e.put("AWS_S3_ENDPOINT", hostPort);
            e.put("AWS_HTTPS", "https".equalsIgnoreCase(uri.getScheme()) ? "YES" : "NO");
            e.put("AWS_VIRTUAL_HOSTING", "FALSE");
        }
        if (accessKey != null && !accessKey.isBlank() && secretKey != null && !secretKey.isBlank()) {
            e.put("AWS_ACCESS_KEY_ID", accessKey.trim());
            e.put("AWS_SECRET_ACCESS_KEY", secretKey.trim());
        }
        // an upload is one file: do not list its S3 "directory" looking for side-car files
        e.put("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR");
        // an object can be replaced under the same key (a re-upload): never serve it from GDAL's cache
        e.put("CPL_VSIL_CURL_NON_CACHED", "/vsis3/");
        this.env = Map.copyOf(e);
    }

    /** Environment for a GDAL program. */
    public Map<String, String> environment() {
        return env;
    }

    /** Sets the same values as configuration options of the GDAL library in this JVM. */
    public GdalS3Access applyInProcess() {
        GdalRuntime.ensureLoaded();
        env.forEach(gdal::SetConfigOption);
        return this;
    }

    /** {@code /vsis3/<bucket>/<key>} */
    public static String vsis3(String bucket, String key) {
        return "/vsis3/" + bucket + "/" + key;
    }

    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>(env);
        shown.computeIfPresent("AWS_ACCESS_KEY_ID", (k, v) -> "***");
        shown.computeIfPresent("AWS_SECRET_ACCESS_KEY", (k, v) -> "***");
        return "GdalS3Access" + shown;
    }
}
