package imagepipelines.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imagepipelines.common.Settings;
import imagepipelines.ingest.ExifMetadataReader;
import imagepipelines.ingest.ExifToolPool;
import imagepipelines.ingest.ImageRecordBuilder;
import imagepipelines.ingest.ThumbnailMaker;
import imagepipelines.ingest.UndecodableImageException;
import imagepipelines.ingest.UploadKey;

/** {@code metadata FILE...}: prints, as a JSON array, the md object the ingest would send for each local file. */
final class MetadataCommand {

    static int run(List<String> files) throws Exception {
        if (files.isEmpty()) {
            System.err.println("usage: image-pipelines metadata FILE...");
            return 2;
        }
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
