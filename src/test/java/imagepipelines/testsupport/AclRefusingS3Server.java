package imagepipelines.testsupport;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import imagepipelines.local.LocalStack;
import imagepipelines.local.LoopbackPorts;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A second s3proxy over the same folder as the local S3 server (same buckets, same objects) that answers every
 * PutObjectAcl as S3 does for a bucket created since 2023 (object ownership "bucket owner enforced"): HTTP 400,
 * {@code AccessControlListNotSupported}, "The bucket does not allow ACLs". Counts those calls.
 */
public final class AclRefusingS3Server implements AutoCloseable {

    private final S3Proxy proxy;
    private final int port;
    private final AtomicInteger aclCalls = new AtomicInteger();

    public AclRefusingS3Server(Path s3DataDir) throws Exception {
        port = LoopbackPorts.free();
        ForwardingBlobStore refusing = new ForwardingBlobStore(
                new FilesystemNio2BlobStore(s3DataDir.toAbsolutePath().toString())) {
            @Override
            public void setBlobAccess(String container, String name, ObjectCannedACL access) {
                throw refusal();
            }
        };
        proxy = S3Proxy.builder()
                .blobStore(refusing)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, LocalStack.ACCESS_KEY, LocalStack.SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 15_000;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("ACL-refusing S3 server did not start");
            }
            Thread.sleep(20);
        }
    }

    private S3Exception refusal() {
        aclCalls.incrementAndGet();
        return (S3Exception) S3Exception.builder().statusCode(400).message("The bucket does not allow ACLs")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessControlListNotSupported")
                        .errorMessage("The bucket does not allow ACLs").build())
                .build();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** PutObjectAcl calls received (each refused). */
    public int aclCalls() {
        return aclCalls.get();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
