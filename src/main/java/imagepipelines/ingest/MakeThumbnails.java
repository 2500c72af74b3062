package imagepipelines.ingest;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Stage "make thumbnails": decodes the upload once and leaves medium and small thumbnails in the exchange property
 * {@code thumbnails}. An image that cannot be decoded is a {@code CORRUPTED_IMAGE_FILE}.
 */
public final class MakeThumbnails implements Processor {

    private final ThumbnailMaker maker;

    public MakeThumbnails(ThumbnailMaker maker) {
        this.maker = maker;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        Map<String, Object> md = exchange.getProperty("md", Map.class);
        byte[] bytes = exchange.getMessage().getBody(byte[].class);
        try {
            ThumbnailMaker.Thumbnails t = maker.make(bytes);
            ImageRecordBuilder.addDecodeResult(md, t.width(), t.height(), null);
            exchange.setProperty("thumbnails", t);
        } catch (UndecodableImageException e) {
            ImageRecordBuilder.addDecodeResult(md, null, null, e.getMessage());
            // no cause attached: Camel matches error handlers on the deepest cause, and an I/O cause inside a
            // decoder must not make a corrupt file look like a transient failure
            throw new IngestFailure(IngestFailure.CORRUPTED_IMAGE_FILE, "image could not be decoded: " + e.getMessage());
        }
    }
}
