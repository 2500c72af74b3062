package imagepipelines.aerial;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The original made scans, COGs and tile-index downloads {@code public-read} by ACL. Buckets created since 2023
 * have ACLs disabled (object ownership "bucket owner enforced": S3 answers {@code AccessControlListNotSupported})
 * or public ACLs blocked ({@code AccessDenied}); there public access is the bucket policy's job. Such a refusal is
 * not the upload's fault and will not pass with retries: it is logged once per bucket, and no more ACL calls are
 * made to that bucket until the next start.
 */
public class PublicReadAcl {

    private static final Logger LOG = LoggerFactory.getLogger(PublicReadAcl.class);

    private final boolean enabled;
    private final boolean unsupportedOk;
    private final Set<String> refusing = ConcurrentHashMap.newKeySet();

    /**
     * @param enabled       false: never set ACLs ({@code aerial.acl.enabled})
     * @param unsupportedOk a local S3 server without ACL support (501/405) is logged only
     */
    public PublicReadAcl(boolean enabled, boolean unsupportedOk) {
        this.enabled = enabled;
        this.unsupportedOk = unsupportedOk;
    }

    /** Sets public-read; false when ACLs are off or the bucket refuses them (then the bucket policy decides). */
    public boolean apply(S3Client s3, String bucket, String key) {
        if (!enabled || refusing.contains(bucket)) {
            return false;
        }
        try {
            s3.putObjectAcl(r -> r.bucket(bucket).key(key).acl(ObjectCannedACL.PUBLIC_READ));
            return true;
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (refusesAcls(e.statusCode(), code)) {
                if (refusing.add(bucket)) {
                    LOG.warn("s3://{} refuses object ACLs ({} {}, on s3://{}/{}): its objects are not made "
                            + "public-read; public access must come from the bucket policy (docs/aerial.md, "
                            + "\"Buckets without ACLs\"). No more ACL calls to this bucket until restart.",
                            bucket, e.statusCode(), code, bucket, key);
                }
                return false;
            }
            if (unsupportedOk && (e.statusCode() == 501 || e.statusCode() == 405)) {
                LOG.info("this S3 server does not set ACLs ({}): s3://{}/{} not made public-read (local mode)",
                        code == null ? e.statusCode() : code, bucket, key);
                return false;
            }
            throw e;
        }
    }

    /** S3's answers to PutObjectAcl on a bucket with ACLs disabled or public ACLs blocked. */
    static boolean refusesAcls(int status, String code) {
        return status == 400 && "AccessControlListNotSupported".equals(code)
                || status == 403 && "AccessDenied".equals(code);
    }

    public boolean refuses(String bucket) {
        return refusing.contains(bucket);
    }
}
