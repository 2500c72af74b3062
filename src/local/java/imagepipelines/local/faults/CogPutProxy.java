package imagepipelines.local.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A pass-through TCP proxy between an aerial worker and the local S3 server (scenario 6). Bytes are forwarded
 * unchanged, so the requests' signatures stay valid; it only reads the HTTP requests going through to see the PUTs
 * of COGs ({@code .../cog/<file>.tif}), count those whose body went through completely, and, when armed, hold the
 * next COG PUT after half its body until released: the worker can then be killed with that PUT in flight, a known
 * number of its bytes sent. A request it cannot follow (chunked transfer encoding) leaves the rest of its
 * connection copied as it is.
 */
final class CogPutProxy implements AutoCloseable {

    /** A COG PUT held in flight: its key, body length and the bytes forwarded before the hold. */
    record Held(String key, long length, long forwarded) {
    }

    private final ServerSocket server;
    private final int upstreamPort;
    private final Map<String, Integer> completed = new ConcurrentHashMap<>();
    private volatile boolean armed;
    private final AtomicReference<Held> held = new AtomicReference<>();
    private volatile CountDownLatch release = new CountDownLatch(0);

    CogPutProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "cog-put-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** The next COG PUT is held after half its body until {@link #release()}. */
    void armHold() {
        release = new CountDownLatch(1);
        held.set(null);
        armed = true;
    }

    /** The COG PUT held now, or null. */
    Held held() {
        return held.get();
    }

    void release() {
        armed = false;
        release.countDown();
    }

    /** COG key -> PUTs whose body went through completely. */
    Map<String, Integer> completedCogPuts() {
        return Map.copyOf(completed);
    }

    int completedTotal() {
        return completed.values().stream().mapToInt(Integer::intValue).sum();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                start(() -> copy(upstream, client), "cog-put-proxy-down");
                start(() -> requests(client, upstream), "cog-put-proxy-up");
            } catch (IOException e) {
                // closed, or the S3 server refused: the client sees its connection closed
            }
        }
    }

    private static void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void copy(Socket from, Socket to) {
        try (from; to) {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // one side went away: both are closed
        }
    }

    /** Client to S3, request by request (head, then Content-Length bytes of body). */
    private void requests(Socket client, Socket upstream) {
        try (client; upstream) {
            InputStream in = client.getInputStream();
            OutputStream out = upstream.getOutputStream();
            while (true) {
                byte[] head = head(in);
                if (head == null) {
                    return;
                }
                out.write(head);
                out.flush();
                String text = new String(head, StandardCharsets.ISO_8859_1);
                String[] line = text.substring(0, text.indexOf("\r\n")).split(" ");
                String lower = text.toLowerCase(Locale.ROOT);
                if (lower.contains("\r\ntransfer-encoding: chunked")) {
                    in.transferTo(out);
                    return;
                }
                long length = contentLength(lower);
                String key = cogKey(line);
                if (!forward(in, out, length, key)) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the worker was killed or S3 went away
        }
    }

    private boolean forward(InputStream in, OutputStream out, long length, String key)
            throws IOException, InterruptedException {
        boolean hold = key != null && armed && length > 1 && held.get() == null;
        long half = hold ? length / 2 : -1;
        byte[] buf = new byte[16 * 1024];
        long done = 0;
        while (done < length) {
            if (done == half) {
                armed = false;
                held.set(new Held(key, length, done));
                release.await(120, TimeUnit.SECONDS);
            }
            long limit = half > done ? half - done : length - done;
            int n = in.read(buf, 0, (int) Math.min(buf.length, limit));
            if (n < 0) {
                return false;
            }
            out.write(buf, 0, n);
            done += n;
        }
        out.flush();
        if (key != null) {
            completed.merge(key, 1, Integer::sum);
        }
        return true;
    }

    /** The request head up to and with the blank line; null at the end of the connection. */
    private static byte[] head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(512);
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
                    : c == '\r' ? 1 : 0;
            if (b.size() > 64 * 1024) {
                throw new IOException("request head over 64 KB");
            }
        }
        return b.toByteArray();
    }

    private static long contentLength(String lowerHead) {
        int i = lowerHead.indexOf("\r\ncontent-length:");
        if (i < 0) {
            return 0;
        }
        int end = lowerHead.indexOf("\r\n", i + 2);
        return Long.parseLong(lowerHead.substring(i + "\r\ncontent-length:".length(), end).trim());
    }

    /** The key of a COG PUT ({@code PUT /<bucket>/<...>/cog/<file>.tif}), else null. */
    static String cogKey(String[] requestLine) {
        if (requestLine.length < 2 || !"PUT".equals(requestLine[0])) {
            return null;
        }
        String path = requestLine[1];
        int q = path.indexOf('?');
        if (q >= 0 && !"x-id=PutObject".equals(path.substring(q + 1))) {
            return null; // ?acl and the like: not the object's bytes
        }
        path = URLDecoder.decode(q < 0 ? path : path.substring(0, q), StandardCharsets.UTF_8);
        String key = path.substring(path.indexOf('/', 1) + 1);
        return key.matches(".*/cog/[^/]+\\.tif") ? key : null;
    }

    @Override
    public void close() throws IOException {
        release();
        server.close();
    }
}
