package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** S3's answers to PutObjectAcl on buckets without ACLs (the route test uses AclRefusingS3Server). */
class PublicReadAclTest {

    @Test
    void aclsDisabledAndPublicAclsBlockedAreRefusalsOtherErrorsAreNot() {
        assertTrue(PublicReadAcl.refusesAcls(400, "AccessControlListNotSupported"), "object ownership enforced");
        assertTrue(PublicReadAcl.refusesAcls(403, "AccessDenied"), "block public ACLs");
        assertFalse(PublicReadAcl.refusesAcls(400, "InvalidArgument"));
        assertFalse(PublicReadAcl.refusesAcls(500, "InternalError"), "an outage is retried, not excused");
        assertFalse(PublicReadAcl.refusesAcls(404, "NoSuchKey"));
    }
}
