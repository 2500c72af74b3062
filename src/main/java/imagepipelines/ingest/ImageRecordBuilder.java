package imagepipelines.ingest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the {@code md} object of CONTRACTS §1 step 3 from the upload, its bytes and its exiftool tags. */
public final class ImageRecordBuilder {

    private static final Pattern EXIF_DATE =
            Pattern.compile("^(\\d{4}):(\\d{2}):(\\d{2})[ T](\\d{2}):(\\d{2}):(\\d{2}).*");

    private final String servingBucket;

    public ImageRecordBuilder(String servingBucket) {
        this.servingBucket = servingBucket;
    }

    public Map<String, Object> build(UploadKey upload, byte[] bytes, ExifMetadataReader.ExifTags exif) {
        Map<String, Object> md = new LinkedHashMap<>(exif.tags());
        md.put("Bucket", upload.bucket());
        md.put("Key", upload.key());
        md.put("FileName", upload.fileName());
        md.put("batchId", upload.batchId());
        md.put("Path", upload.path());
        Object ext = md.get("FileTypeExtension");
        md.put("FileTypeExtension", ext == null ? normaliseExtension(upload.extension())
                : String.valueOf(ext).toLowerCase(Locale.ROOT));
        md.putIfAbsent("MIMEType", "image/jpeg");
        String dto = isoDateTime(md.get("DateTimeOriginal"));
        if (dto == null) {
            md.remove("DateTimeOriginal");
        } else {
            md.put("DateTimeOriginal", dto);
        }
        Object make = md.get("Make");
        if (make == null || String.valueOf(make).isBlank()) {
            // Reconyx HyperFire firmware 3.x writes no EXIF Make: its MakerNotes are the only sign of the maker
            md.put("Make", exif.reconyxMakerNotes() ? "RECONYX" : "unknown");
        }
        Object serial = md.get("SerialNumber");
        md.put("SerialNumber", serial == null || String.valueOf(serial).isBlank() ? "unknown" : String.valueOf(serial));
        md.put("Hash", md5(bytes));
        md.put("ImageBytes", bytes.length);
        md.put("ProdBucket", servingBucket);
        List<String> errors = new ArrayList<>();
        if (exif.error() != null) {
            errors.add("exiftool: " + exif.error());
        }
        md.put("errors", errors);
        return md;
    }

    /** Adds what decoding learned: the size when EXIF gave none, or why the image could not be decoded. */
    @SuppressWarnings("unchecked")
    public static void addDecodeResult(Map<String, Object> md, Integer width, Integer height, String decodeError) {
        if (width != null) {
            md.putIfAbsent("ImageWidth", width);
            md.putIfAbsent("ImageHeight", height);
        }
        if (decodeError != null) {
            ((List<String>) md.get("errors")).add("image could not be decoded: " + decodeError);
        }
    }

    /** The camera's wall-clock time as ISO-8601 with Z (the API re-zones it keeping local time). */
    static String isoDateTime(Object exifValue) {
        if (exifValue == null) {
            return null;
        }
        Matcher m = EXIF_DATE.matcher(String.valueOf(exifValue));
        if (!m.matches() || "0000".equals(m.group(1))) {
            return null;
        }
        return m.group(1) + "-" + m.group(2) + "-" + m.group(3) + "T" + m.group(4) + ":" + m.group(5) + ":"
                + m.group(6) + ".000Z";
    }

    private static String normaliseExtension(String ext) {
        return "jpeg".equals(ext) ? "jpg" : ext;
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
