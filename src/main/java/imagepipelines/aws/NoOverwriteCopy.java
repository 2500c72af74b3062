package imagepipelines.aws;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A server-side copy that never replaces a different object: the dead letters, kept zips and parked images of
 * different uploads must all survive. The copy carries {@code source-bucket}, {@code source-key} (URL-encoded) and
 * {@code source-etag} in its metadata; that triple says which upload an object is. When the wanted key holds the
 * same upload already (a re-run after a crash), nothing is copied; when it holds a different one, the copy goes to
 * {@code <key without extension>~<first 12 hex of the ETag>[-n].<extension>} next to it.
 *
 * <p>A HEAD decides first; the copy is then sent with {@code If-None-Match: *}, so on S3 two writers racing for one
 * key cannot replace each other either (the loser gets 412 and tries again). The local s3proxy ignores that header on
 * copies; there the HEAD is the check. The source is copied with {@code x-amz-copy-source-if-match} on the ETag that
 * was identified (the bytes that failed, when the caller knows them), so a source replaced meanwhile is never stored
 * under the old upload's reason.
 */
public final class NoOverwriteCopy {

    public static final String SOURCE_BUCKET = "source-bucket";
    public static final String SOURCE_KEY = "source-key";
    public static final String SOURCE_ETAG = "source-etag";
    private static final int MAX_TRIES = 20;

    private final S3Client s3;

    public NoOverwriteCopy(S3Client s3) {
        this.s3 = s3;
    }

    /** Where the copy is, and whether this call wrote it (false: the same upload was there already). */
    public record Placed(String key, boolean copied) {
    }

    /**
     * Copies {@code sourceBucket/sourceKey} into {@code bucket} under {@code key}, or beside it when that key holds a
     * different upload. {@code sourceETag} may be null (then the source's current version is copied);
     * {@code contentType} null keeps the source's; {@code metadata} is added to the source's own user metadata.
     *
     * @throws NoSuchKeyException when the source is gone (a repeated event for an upload already handled)
     */
    public Placed copy(String sourceBucket, String sourceKey, String sourceETag, String bucket, String key,
                       String contentType, Map<String, String> metadata) {
        HeadObjectResponse source = S3Objects.head(s3, sourceBucket, sourceKey).orElseThrow(() ->
                NoSuchKeyException.builder().message("s3://" + sourceBucket + "/" + sourceKey + " is gone").build());
        String etag = sourceETag == null || sourceETag.isBlank() ? source.eTag() : sourceETag;
        Map<String, String> meta = new LinkedHashMap<>(source.metadata());
        meta.keySet().removeAll(java.util.List.of(SOURCE_BUCKET, SOURCE_KEY, SOURCE_ETAG));
        if (metadata != null) {
            meta.putAll(metadata);
        }
        meta.put(SOURCE_BUCKET, sourceBucket);
        meta.put(SOURCE_KEY, URLEncoder.encode(sourceKey, StandardCharsets.UTF_8));
        meta.put(SOURCE_ETAG, bare(etag));
        String type = contentType != null ? contentType : source.contentType();

        int candidate = 0;
        for (int tries = 0; tries < MAX_TRIES && candidate < MAX_TRIES; tries++) {
            String target = candidate(key, etag, candidate);
            Optional<HeadObjectResponse> there = S3Objects.head(s3, bucket, target);
            if (there.isPresent()) {
                if (sameUpload(there.get(), sourceBucket, sourceKey, etag)) {
                    return new Placed(target, false);
                }
                candidate++;
                continue;
            }
            try {
                s3.copyObject(r -> {
                    r.sourceBucket(sourceBucket).sourceKey(sourceKey).copySourceIfMatch(etag)
                            .destinationBucket(bucket).destinationKey(target).ifNoneMatch("*")
                            .metadataDirective(MetadataDirective.REPLACE).metadata(meta);
                    if (type != null) {
                        r.contentType(type);
                    }
                });
                return new Placed(target, true);
            } catch (S3Exception e) {
                // 412: the target appeared meanwhile (look at it again) or the source changed (nothing to do here)
                // 409: a concurrent write to the target (try again)
                if (e.statusCode() == 409 || e.statusCode() == 412 && S3Objects.exists(s3, bucket, target)) {
                    continue;
                }
                throw e;
            }
        }
        throw new IllegalStateException("no free key for s3://" + sourceBucket + "/" + sourceKey + " near s3://"
                + bucket + "/" + key + " after " + MAX_TRIES + " tries");
    }

    /** Whether the object's metadata names this very upload (same bucket, key and ETag). */
    public static boolean sameUpload(HeadObjectResponse head, String sourceBucket, String sourceKey, String etag) {
        Map<String, String> m = head.metadata();
        String k = m.get(SOURCE_KEY);
        return sourceBucket.equals(m.get(SOURCE_BUCKET)) && k != null
                && sourceKey.equals(URLDecoder.decode(k, StandardCharsets.UTF_8))
                && bare(etag).equals(m.get(SOURCE_ETAG));
    }

    /** The n-th key tried: the wanted one, then {@code name~<etag12>.ext}, {@code name~<etag12>-2.ext}, ... */
    static String candidate(String key, String etag, int n) {
        if (n == 0) {
            return key;
        }
        String hex = bare(etag).replaceAll("[^0-9A-Za-z]", "");
        String tag = "~" + hex.substring(0, Math.min(12, hex.length())) + (n > 1 ? "-" + n : "");
        int slash = key.lastIndexOf('/');
        int dot = key.lastIndexOf('.');
        return dot > slash + 1 ? key.substring(0, dot) + tag + key.substring(dot) : key + tag;
    }

    private static String bare(String etag) {
        return etag == null ? "" : etag.replace("\"", "");
    }
}
