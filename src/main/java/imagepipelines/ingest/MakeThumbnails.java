package imagepipelines.ingest;

import java.util.Map;

/**
 * Stage "make thumbnails": decodes the upload once into medium and small thumbnails. An image that cannot be decoded
 * is a {@code CORRUPTED_IMAGE_FILE}.
 */
public final class MakeThumbnails {

    private final ThumbnailMaker maker;

    public MakeThumbnails(ThumbnailMaker maker) {
        this.maker = maker;
    }

    /** The thumbnails of the image {@code bytes}; its decoded size, or why it could not be decoded, goes into {@code md}. */
    public ThumbnailMaker.Thumbnails make(byte[] bytes, Map<String, Object> md) throws IngestFailure {
        try {
            ThumbnailMaker.Thumbnails t = maker.make(bytes);
            ImageRecordBuilder.addDecodeResult(md, t.width(), t.height(), null);
            return t;
        } catch (UndecodableImageException e) {
            ImageRecordBuilder.addDecodeResult(md, null, null, e.getMessage());
            // no cause attached: Camel matches error handlers on the deepest cause, and an I/O cause inside a
            // decoder must not make a corrupt file look like a transient failure
            throw new IngestFailure(IngestFailure.CORRUPTED_IMAGE_FILE, "image could not be decoded: " + e.getMessage());
        }
    }
}
