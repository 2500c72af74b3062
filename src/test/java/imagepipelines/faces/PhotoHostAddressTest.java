package imagepipelines.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * An allowed photo host whose DNS name resolves to the cloud metadata address (a hostile or hijacked DNS record, a
 * too-wide {@code .example.org} entry of faces.allowed-hosts) is refused before any connection. Tests reach loopback
 * only and Java 17 has no resolver SPI, so the fetcher's resolver is a fixed table here; the HTTP client is never
 * asked (a connection to 169.254.169.254 would hang until the time-out, not fail at once).
 */
class PhotoHostAddressTest {

    static final Map<String, String> DNS = Map.of(
            "metadata.example.org", "169.254.169.254",
            "v6metadata.example.org", "fd00:ec2::254",
            "linklocal6.example.org", "fe80::1",
            "zero.example.org", "0.0.0.0",
            "loopback.example.org", "127.0.0.1",
            "public.example.org", "93.184.215.14");

    final AtomicInteger lookups = new AtomicInteger();

    InetAddress[] resolve(String host) throws UnknownHostException {
        lookups.incrementAndGet();
        String a = DNS.get(host);
        if (a == null) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(a)};
    }

    @Test
    void aPhotoHostWhoseNameResolvesToTheMetadataAddressIsRefusedBeforeConnecting() throws Exception {
        UrlPolicy policy = new UrlPolicy(".example.org");
        try (PhotoFetcher fetcher = new PhotoFetcher(policy, 10_000, 20_000, 1_000_000, 3, this::resolve)) {
            for (String host : new String[] {"metadata.example.org", "v6metadata.example.org", "linklocal6.example.org",
                "zero.example.org"}) {
                long t0 = System.nanoTime();
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> fetcher.fetch("http://" + host + "/photo.jpg?sig=x").get(5, TimeUnit.SECONDS));
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(e.getCause() instanceof FaceSourceException, String.valueOf(e.getCause()));
                String m = e.getCause().getMessage();
                assertTrue(m.contains(host) && m.contains("refused before connecting"), m);
                assertTrue(ms < 2000, host + " refused in " + ms + " ms: no connection was tried");
                assertEquals("URL_NOT_ALLOWED", FacesFailureCodes.of(e.getCause(), false));
            }
            assertTrue(fetcher.fetch("http://metadata.example.org/p.jpg").handle((b, x) -> x.getMessage())
                    .get(5, TimeUnit.SECONDS).contains("169.254.169.254"));
        }
    }

    @Test
    void namesResolvingToLoopbackOrPublicAddressesPassTheAddressCheck() {
        HostAddresses addresses = new HostAddresses(this::resolve);
        assertNull(addresses.refusal("loopback.example.org"));
        assertNull(addresses.refusal("public.example.org"));
        assertNull(addresses.refusal("unknown.example.org"), "an unknown name is the HTTP client's failure");
        assertTrue(HostAddresses.forbidden(InetAddress.getLoopbackAddress()) == false);
    }
}
