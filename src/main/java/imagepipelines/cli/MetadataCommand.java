package imagepipelines.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imagepipelines.common.Settings;
import imagepipelines.ingest.ExifMetadataReader;
import imagepipelines.ingest.ExifToolPool;
import imagepipelines.ingest.ImageRecordBuilder;
import imagepipelines.ingest.ThumbnailMaker;
import imagepipelines.ingest.UndecodableImageException;
import imagepipelines.ingest.UploadKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code metadata FILE...}: prints, as a JSON array, the md object the ingest would send for each local file. */
@Command(name = "metadata",
        description = "print, as JSON, the md object the ingest would send for each local file")
final class MetadataCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<String> files;

    @Override
    public Integer call() throws Exception {
        Settings s = new Settings();
        Map<String, String> none = Map.of();
        ImageRecordBuilder builder = new ImageRecordBuilder(s.resolve("{{ingest.bucket.serving}}", none));
        ThumbnailMaker thumbs = new ThumbnailMaker(940, 120, 85,
                Long.parseLong(s.resolve("{{ingest.image.max-pixels}}", none)));
        List<Map<String, Object>> out = new ArrayList<>();
        try (ExifToolPool pool = new ExifToolPool(s.resolve("{{ingest.exiftool.path}}", none), 30_000)) {
            ExifMetadataReader reader = new ExifMetadataReader(pool);
            for (String f : files) {
                Path path = Path.of(f);
                byte[] bytes = Files.readAllBytes(path);
                UploadKey upload = UploadKey.parse("(local file)", path.getFileName().toString());
                Map<String, Object> md = builder.build(upload, bytes, reader.read(path));
                try {
                    ThumbnailMaker.Thumbnails t = thumbs.make(bytes);
                    ImageRecordBuilder.addDecodeResult(md, t.width(), t.height(), null);
                } catch (UndecodableImageException e) {
                    ImageRecordBuilder.addDecodeResult(md, null, null, e.getMessage());
                }
                out.add(md);
            }
        }
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
        return 0;
    }
}
