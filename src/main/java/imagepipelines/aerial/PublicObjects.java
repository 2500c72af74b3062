package imagepipelines.aerial;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * public-read on a scan, a COG or a tile-index download ({@link PublicReadAcl}: a bucket without ACLs is reported
 * once and left to its bucket policy).
 */
public class PublicObjects {

    private final S3Client s3;
    private final PublicReadAcl acl;

    /**
     * @param aclEnabled       set public-read at all ({@code aerial.acl.enabled})
     * @param aclUnsupportedOk an S3 server without ACLs (a local one) is logged, not an error
     */
    public PublicObjects(S3Client s3, boolean aclEnabled, boolean aclUnsupportedOk) {
        this.s3 = s3;
        this.acl = new PublicReadAcl(aclEnabled, aclUnsupportedOk);
    }

    public void makePublic(String bucket, String key) {
        acl.apply(s3, bucket, key);
    }
}
