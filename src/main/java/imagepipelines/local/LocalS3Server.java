package imagepipelines.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/** A real-protocol S3 server (s3proxy, filesystem backend) on loopback; objects are plain files under a folder. */
public final class LocalS3Server implements AutoCloseable {

    private final S3Proxy proxy;
    private final int port;

    public LocalS3Server(Path dataDir, int port, String accessKey, String secretKey) throws Exception {
        Files.createDirectories(dataDir);
        this.port = port > 0 ? port : LoopbackPorts.free();
        proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dataDir.toAbsolutePath().toString()))
                .endpoint(URI.create("http://127.0.0.1:" + this.port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 15_000;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("local S3 server did not start on port " + this.port);
            }
            Thread.sleep(20);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }

}
