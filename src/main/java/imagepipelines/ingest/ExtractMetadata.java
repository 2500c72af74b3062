package imagepipelines.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Stage "extract metadata": the upload's bytes go through exiftool via a scratch file and become the {@code md}. */
public final class ExtractMetadata {

    private final ExifMetadataReader reader;
    private final ImageRecordBuilder builder;
    private final Path scratchDir;

    public ExtractMetadata(ExifMetadataReader reader, ImageRecordBuilder builder, String scratchDir) {
        this.reader = reader;
        this.builder = builder;
        this.scratchDir = Path.of(scratchDir);
    }

    /** The {@code md} object of the image {@code bytes} read from {@code upload}. */
    public Map<String, Object> extract(UploadKey upload, byte[] bytes) throws IOException {
        Files.createDirectories(scratchDir);
        Path scratch = Files.createTempFile(scratchDir, "ingest-", "." + upload.extension());
        try {
            Files.write(scratch, bytes);
            return builder.build(upload, bytes, reader.read(scratch));
        } finally {
            Files.deleteIfExists(scratch);
        }
    }
}
