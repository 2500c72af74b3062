package imagepipelines.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Stage "extract metadata": the upload's bytes (the message body) go through exiftool via a scratch file, and the
 * {@code md} object is left in the exchange property {@code md}.
 */
public final class ExtractMetadata implements Processor {

    private final ExifMetadataReader reader;
    private final ImageRecordBuilder builder;
    private final Path scratchDir;

    public ExtractMetadata(ExifMetadataReader reader, ImageRecordBuilder builder, String scratchDir) {
        this.reader = reader;
        this.builder = builder;
        this.scratchDir = Path.of(scratchDir);
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        UploadKey upload = exchange.getProperty("upload", UploadKey.class);
        byte[] bytes = exchange.getMessage().getBody(byte[].class);
        Files.createDirectories(scratchDir);
        Path scratch = Files.createTempFile(scratchDir, "ingest-", "." + upload.extension());
        try {
            Files.write(scratch, bytes);
            Map<String, Object> md = builder.build(upload, bytes, reader.read(scratch));
            exchange.setProperty("md", md);
        } finally {
            Files.deleteIfExists(scratch);
        }
    }
}
