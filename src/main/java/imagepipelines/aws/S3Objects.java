package imagepipelines.aws;

import java.util.Optional;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Small S3 questions every workflow asks. */
public final class S3Objects {

    private S3Objects() {
    }

    /** Whether the object exists (a HEAD request). */
    public static boolean exists(S3Client s3, String bucket, String key) {
        return head(s3, bucket, key).isPresent();
    }

    /** The object's HEAD answer, or empty when it does not exist (S3 answers 404, sometimes without a body). */
    public static Optional<HeadObjectResponse> head(S3Client s3, String bucket, String key) {
        try {
            return Optional.of(s3.headObject(r -> r.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
