package imagepipelines.faces;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The addresses a photo host's name resolves to, checked before connecting: an allowed name (faces.allowed-hosts)
 * whose DNS answer is link-local (169.254.0.0/16, where the cloud metadata service lives, or fe80::/10), AWS's IPv6
 * metadata address fd00:ec2::254, the unspecified address or a multicast one is refused. Literal addresses are
 * refused by {@link UrlPolicy} already. The JDK caches a lookup (30 s by default), so the HTTP client's own lookup
 * right after gets the same, checked answer.
 */
final class HostAddresses {

    /** Name to addresses; {@link InetAddress#getAllByName} in production, a fixed table in tests. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    static final Resolver SYSTEM = InetAddress::getAllByName;

    private final Resolver resolver;

    HostAddresses(Resolver resolver) {
        this.resolver = resolver;
    }

    /** Why {@code host} must not be connected to, or null (also when it does not resolve: the client says so). */
    String refusal(String host) {
        InetAddress[] all;
        try {
            all = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return null;
        }
        for (InetAddress a : all) {
            if (forbidden(a)) {
                return "photo host " + host + " resolves to " + a.getHostAddress() + ", a link-local, metadata,"
                        + " multicast or unspecified address: refused before connecting";
            }
        }
        return null;
    }

    static boolean forbidden(InetAddress a) {
        return a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()
                || a instanceof Inet6Address && java.util.Arrays.equals(a.getAddress(), ec2MetadataV6());
    }

    private static byte[] ec2MetadataV6() {
        byte[] b = new byte[16];
        b[0] = (byte) 0xfd;
        b[2] = 0x0e;
        b[3] = (byte) 0xc2;
        b[14] = 0x02;
        b[15] = 0x54;
        return b;
    }
}
