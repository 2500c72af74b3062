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

    /**
     * Port 0: a free one. A port found free can be taken by another process before s3proxy binds it (seen with
     * several JVMs starting servers at once: "Failed to bind"), so a chosen port is tried again with another.
     */
    public LocalS3Server(Path dataDir, int port, String accessKey, String secretKey) throws Exception {
        this(dataDir, port, port > 0 ? () -> port : LoopbackPorts::free, accessKey, secretKey);
    }

    LocalS3Server(Path dataDir, int port, java.util.function.IntSupplier ports, String accessKey, String secretKey)
            throws Exception {
        Files.createDirectories(dataDir);
        int p = 0;
        S3Proxy started = null;
        for (int attempt = 1; started == null; attempt++) {
            p = ports.getAsInt();
            try {
                started = start(dataDir, p, accessKey, secretKey);
            } catch (java.io.IOException bindFailed) {
                if (port > 0 || attempt == 5) {
                    throw bindFailed;
                }
            }
        }
        this.port = p;
        this.proxy = started;
    }

    private static S3Proxy start(Path dataDir, int port, String accessKey, String secretKey) throws Exception {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dataDir.toAbsolutePath().toString()))
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        try {
            proxy.start();
        } catch (java.io.IOException bindFailed) {
            proxy.stop();
            throw bindFailed;
        }
        long deadline = System.currentTimeMillis() + 15_000;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("local S3 server did not start on port " + port);
            }
            Thread.sleep(20);
        }
        return proxy;
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
