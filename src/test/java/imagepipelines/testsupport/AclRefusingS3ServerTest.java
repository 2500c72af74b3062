package imagepipelines.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import imagepipelines.aws.AwsClients;
import imagepipelines.local.LocalStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The stand-in answers PutObjectAcl as S3 does on a bucket without ACLs; everything else works. */
class AclRefusingS3ServerTest {

    @TempDir
    Path dir;

    @Test
    void putObjectAclIsRefusedAsS3DoesAndObjectsStillWork() throws Exception {
        try (LocalStack stack = LocalStack.start(dir.resolve("local"));
             AclRefusingS3Server refusing = new AclRefusingS3Server(dir.resolve("local/s3"))) {
            stack.s3().createBucket(r -> r.bucket("acl-test"));
            S3Client s3 = AwsClients.s3("us-east-1", refusing.endpoint(), LocalStack.ACCESS_KEY,
                    LocalStack.SECRET_KEY, "when_required");
            s3.putObject(r -> r.bucket("acl-test").key("k"), RequestBody.fromString("x"));
            assertEquals("x", stack.s3().getObjectAsBytes(r -> r.bucket("acl-test").key("k")).asUtf8String(),
                    "same objects as the local S3 server");
            S3Exception e = assertThrows(S3Exception.class,
                    () -> s3.putObjectAcl(r -> r.bucket("acl-test").key("k").acl(ObjectCannedACL.PUBLIC_READ)));
            assertEquals(400, e.statusCode());
            assertEquals("AccessControlListNotSupported", e.awsErrorDetails().errorCode());
            assertEquals(1, refusing.aclCalls());
        }
    }
}
