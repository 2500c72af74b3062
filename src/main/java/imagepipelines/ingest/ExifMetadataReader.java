package imagepipelines.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads every EXIF and MakerNotes tag of a file with exiftool, with the {@code -G -n -j} semantics of the contract:
 * numeric values, group prefix stripped from the tag name, first value wins when a name repeats. Family-1 groups
 * are asked for too, so a Reconyx MakerNotes block is recognised even when the camera wrote no EXIF Make. GPS
 * coordinates and altitude are the signed Composite values ({@link SignedGps}).
 */
public final class ExifMetadataReader {

    /** Tags exiftool reports about the scratch file we wrote, not about the image. */
    private static final Set<String> SCRATCH_FILE_TAGS = Set.of("SourceFile", "Directory", "FileName",
            "FileModifyDate", "FileAccessDate", "FileInodeChangeDate", "FilePermissions", "ExifToolVersion");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExifToolPool exiftool;

    public ExifMetadataReader(ExifToolPool exiftool) {
        this.exiftool = exiftool;
    }

    /** Tags as exiftool names them, plus what exiftool said was wrong with the file. */
    public record ExifTags(Map<String, Object> tags, boolean reconyxMakerNotes, String error, List<String> warnings) { }

    public ExifTags read(Path file) throws IOException {
        ExifToolProcess.Result r = exiftool.run(List.of("-G0:1", "-n", "-j", "-charset", "filename=utf8",
                file.toAbsolutePath().toString()));
        List<String> warnings = new ArrayList<>();
        String error = null;
        for (String line : r.stderr().split("\n")) {
            if (line.startsWith("Error:")) {
                error = line.substring(6).trim();
            } else if (line.startsWith("Warning:")) {
                warnings.add(line.substring(8).trim());
            }
        }
        Map<String, Object> tags = new LinkedHashMap<>();
        Map<String, String> groupOf = new HashMap<>();
        Map<String, Object> composites = new HashMap<>();
        boolean reconyx = false;
        String out = r.stdout().trim();
        if (!out.isEmpty()) {
            List<Map<String, Object>> files = JSON.readValue(out, new TypeReference<>() { });
            for (Map.Entry<String, Object> e : files.get(0).entrySet()) {
                String qualified = e.getKey();
                if (qualified.startsWith("MakerNotes:Reconyx:")) {
                    reconyx = true;
                }
                String name = qualified.substring(qualified.lastIndexOf(':') + 1);
                if (SCRATCH_FILE_TAGS.contains(name)) {
                    continue;
                }
                if (qualified.startsWith("ExifTool:")) {
                    if ("Error".equals(name)) {
                        error = String.valueOf(e.getValue());
                    } else if ("Warning".equals(name)) {
                        warnings.add(String.valueOf(e.getValue()));
                    }
                    continue;
                }
                if (qualified.startsWith("Composite:") && SignedGps.TAGS.contains(name)) {
                    composites.put(name, e.getValue());
                    continue;
                }
                if (!tags.containsKey(name)) {
                    tags.put(name, e.getValue());
                    groupOf.put(name, qualified.substring(0, Math.max(0, qualified.indexOf(':'))));
                }
            }
        }
        SignedGps.apply(tags, groupOf, composites, warnings);
        return new ExifTags(tags, reconyx, error, warnings);
    }
}
