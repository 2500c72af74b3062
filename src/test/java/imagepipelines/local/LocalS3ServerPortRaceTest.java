package imagepipelines.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: the fault suite's first full run died at start with "Failed to bind to /127.0.0.1:44399": the local S3
 * server's free port was taken by another process (other JVMs starting servers at once) between being found free
 * and being bound.
 */
class LocalS3ServerPortRaceTest {

    @TempDir
    Path dir;

    @Test
    void aFreePortTakenBeforeTheLocalS3ServerBindsItIsReplacedByAnother() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            AtomicInteger calls = new AtomicInteger();
            // the first "free" port is the taken one, as when another process grabbed it in between
            try (LocalS3Server s3 = new LocalS3Server(dir, 0,
                    () -> calls.getAndIncrement() == 0 ? taken.getLocalPort() : LoopbackPorts.free(), "k", "s")) {
                assertEquals(2, calls.get());
                assertNotEquals(taken.getLocalPort(), s3.port());
            }
        }
    }
}
