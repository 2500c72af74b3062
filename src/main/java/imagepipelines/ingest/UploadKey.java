package imagepipelines.ingest;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an ingestion-bucket key says about an upload (CONTRACTS §1): its file name, extension, kind, and for images
 * that came out of a bulk upload the batch id and the path inside the zip.
 */
public record UploadKey(String bucket, String key, String fileName, String extension, Kind kind, String batchId,
                        String path) {

    public enum Kind { IMAGE, ZIP, UNSUPPORTED }

    private static final Pattern BATCH_PREFIX =
            Pattern.compile("^(batch-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/(.+)$");

    public static UploadKey parse(String bucket, String key) {
        String base = key.substring(key.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        String ext = dot > 0 ? base.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
        String fileName = dot > 0 ? base.substring(0, dot) + "." + ext : base;
        Kind kind = switch (ext) {
            case "jpg", "jpeg", "png" -> Kind.IMAGE;
            case "zip" -> Kind.ZIP;
            default -> Kind.UNSUPPORTED;
        };
        String batchId = null;
        String path = null;
        Matcher m = BATCH_PREFIX.matcher(key);
        if (m.matches()) {
            batchId = m.group(1);
            path = m.group(2);
        }
        return new UploadKey(bucket, key, fileName, ext, kind, batchId, path);
    }

    /** A hidden file (dot-file) or macOS resource fork is never an image upload. */
    public boolean hidden() {
        return fileName.startsWith(".") || key.contains("__MACOSX/") || key.contains("/.");
    }

    public boolean isImage() {
        return kind == Kind.IMAGE && !hidden();
    }

    public String mimeType() {
        return "png".equals(extension) ? "image/png" : "image/jpeg";
    }
}
