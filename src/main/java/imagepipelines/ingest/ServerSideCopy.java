package imagepipelines.ingest;

import java.util.Map;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MetadataDirective;

/**
 * An S3 copy done by S3 itself, with the destination's Content-Type and metadata set: the bytes never travel
 * through this process again. With an ETag given, the copy happens only if the source is still the object that
 * was read (an upload replaced meanwhile fails with 412 instead of storing bytes other than those hashed).
 */
public final class ServerSideCopy {

    private final S3Client s3;

    public ServerSideCopy(S3Client s3) {
        this.s3 = s3;
    }

    public void copy(String sourceBucket, String sourceKey, String sourceETag, String bucket, String key,
                     String contentType, Map<String, String> metadata) {
        s3.copyObject(r -> {
            r.sourceBucket(sourceBucket).sourceKey(sourceKey).destinationBucket(bucket).destinationKey(key)
                    .metadataDirective(MetadataDirective.REPLACE).metadata(metadata == null ? Map.of() : metadata);
            if (contentType != null) {
                r.contentType(contentType);
            }
            if (sourceETag != null && !sourceETag.isBlank()) {
                r.copySourceIfMatch(sourceETag);
            }
        });
    }
}
