package imagepipelines.aerial;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the MapServer host sees the published mapfiles (docs/aerial.md, "The MapServer host"): its public WMS URL
 * (each mapfile's {@code wms_onlineresource}), where it mounts the bucket's {@code mapfiles/}, MapServer's error
 * file, and the object metadata its s3fs mount takes owner and permissions from.
 */
public class MapfilePublication {

    private String wmsUrl;
    private String dir = "/mapfiles";
    private String errorFile;
    private final Map<String, String> owner = new LinkedHashMap<>(Map.of("mode", "33204", "uid", "500",
            "gid", "500"));

    /**
     * The host's public WMS endpoint, https ({@code aerial.mapfile.wms-url}), e.g.
     * {@code https://mapserver.example.org/wms/}; empty for none.
     */
    public void setWmsUrl(String url) {
        this.wmsUrl = url == null || url.isBlank() ? null : url.trim();
        if (wmsUrl != null && !wmsUrl.startsWith("https://")) {
            throw new IllegalArgumentException("aerial.mapfile.wms-url must be an https URL (WMS clients follow "
                    + "wms_onlineresource from https pages): " + wmsUrl);
        }
    }

    /** Where the host mounts {@code mapfiles/} ({@code aerial.mapfile.dir}), for {@code ?map=}. */
    public void setDir(String dir) {
        this.dir = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    }

    /** {@code MS_ERRORFILE} written into each mapfile; empty for none. */
    public void setErrorFile(String file) {
        this.errorFile = file == null || file.isBlank() ? null : file.trim();
    }

    public void setUid(int uid) {
        owner.put("uid", Integer.toString(uid));
    }

    public void setGid(int gid) {
        owner.put("gid", Integer.toString(gid));
    }

    /** st_mode in decimal: 33204 = regular file 0664. */
    public void setMode(int mode) {
        owner.put("mode", Integer.toString(mode));
    }

    /** {@code <wms url>?map=<dir>/<table>.map&}, or null without a WMS URL. */
    public String onlineResource(String table) {
        return wmsUrl == null ? null
                : wmsUrl + (wmsUrl.contains("?") ? "&" : "?") + "map=" + dir + "/" + table + ".map&";
    }

    public String errorFile() {
        return errorFile;
    }

    /** The mapfile object's metadata for s3fs: {@code mode}, {@code uid}, {@code gid}, {@code mtime} (now). */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>(owner);
        m.put("mtime", Long.toString(System.currentTimeMillis() / 1000));
        return m;
    }
}
