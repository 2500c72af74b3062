package imagepipelines.ingest;

import java.util.Map;


/**
 * Stores the original in the serving bucket as {@code original/<id>-original.<ext>} by a server-side copy of the
 * upload (only if it is still the version that was read and hashed), with Content-Type = MIMEType.
 */
public final class CopyOriginalToServing {

    private final ServerSideCopy copier;
    private final String servingBucket;

    public CopyOriginalToServing(ServerSideCopy copier, String servingBucket) {
        this.copier = copier;
        this.servingBucket = servingBucket;
    }

    /** Copies the version {@code uploadETag} of the upload to {@code original/<imageId>-original.<ext>}. */
    public void copy(UploadKey upload, String uploadETag, String imageId, Map<String, Object> md) {
        String key = "original/" + imageId + "-original." + md.get("FileTypeExtension");
        copier.copy(upload.bucket(), upload.key(), uploadETag, servingBucket, key, String.valueOf(md.get("MIMEType")),
                null);
    }
}
