package imagepipelines.faces;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Downloads a photo: one overall time limit (connect, headers and body), a size cap checked while streaming (a
 * larger body is cut, not read), redirects followed here, at most {@code maxRedirects}, each one checked against
 * the {@link UrlPolicy} before it is requested.
 */
public final class PhotoFetcher implements AutoCloseable {

    private final UrlPolicy policy;
    private final long timeoutMs;
    private final long maxBytes;
    private final int maxRedirects;
    private final HttpClient http;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "faces-download-watchdog");
        t.setDaemon(true);
        return t;
    });

    public PhotoFetcher(UrlPolicy policy, long timeoutMs, long maxBytes, int maxRedirects) {
        this.policy = policy;
        this.timeoutMs = timeoutMs;
        this.maxBytes = maxBytes;
        this.maxRedirects = maxRedirects;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofMillis(timeoutMs))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public byte[] fetch(String url) throws FaceSourceException, TransientFaceException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        URI uri = policy.check(url);
        for (int hop = 0; ; hop++) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw timedOut(url);
            }
            HttpRequest req = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofMillis(left))
                    .header("Accept", "image/webp,image/jpeg,image/png,*/*;q=0.5").build();
            HttpResponse<InputStream> resp;
            try {
                resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpTimeoutException e) {
                throw timedOut(url);
            } catch (ConnectException e) {
                throw new TransientFaceException("photo host refused the connection: " + UrlPolicy.withoutQuery(url));
            } catch (IOException e) {
                throw new TransientFaceException("photo download failed: " + e.getClass().getSimpleName() + " "
                        + e.getMessage() + " (" + UrlPolicy.withoutQuery(url) + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransientFaceException("interrupted while downloading " + UrlPolicy.withoutQuery(url));
            }
            int status = resp.statusCode();
            if (status >= 300 && status < 400 && resp.headers().firstValue("Location").isPresent()) {
                close(resp.body());
                if (hop >= maxRedirects) {
                    throw new FaceSourceException("more than " + maxRedirects + " redirects: " + UrlPolicy.withoutQuery(url));
                }
                String location = resp.headers().firstValue("Location").get();
                URI next;
                try {
                    next = uri.resolve(location);
                } catch (IllegalArgumentException e) {
                    throw new FaceSourceException("invalid redirect from " + UrlPolicy.withoutQuery(uri.toString()));
                }
                String why = policy.problem(next.toString());
                if (why != null) {
                    throw new FaceSourceException("redirect refused: " + why);
                }
                uri = next;
                continue;
            }
            if (status >= 500 || status == 429 || status == 408) {
                close(resp.body());
                throw new TransientFaceException("photo host answered " + status + ": " + UrlPolicy.withoutQuery(uri.toString()));
            }
            if (status != 200) {
                close(resp.body());
                throw new FaceSourceException("photo download answered " + status + ": " + UrlPolicy.withoutQuery(uri.toString()));
            }
            long declared = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > maxBytes) {
                close(resp.body());
                throw tooLarge();
            }
            return readCapped(resp.body(), deadline, url);
        }
    }

    private byte[] readCapped(InputStream in, long deadline, String url) throws FaceSourceException, TransientFaceException {
        AtomicBoolean expired = new AtomicBoolean();
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        ScheduledFuture<?> timer = watchdog.schedule(() -> {
            expired.set(true);
            close(in);
        }, left, TimeUnit.MILLISECONDS);
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge();
                }
                out.write(buf, 0, n);
            }
            if (expired.get()) {
                throw timedOut(url);
            }
            return out.toByteArray();
        } catch (IOException e) {
            if (expired.get()) {
                throw timedOut(url);
            }
            throw new TransientFaceException("photo download broke off: " + e.getClass().getSimpleName() + " ("
                    + UrlPolicy.withoutQuery(url) + ")");
        } finally {
            timer.cancel(false);
        }
    }

    private FaceSourceException tooLarge() {
        return new FaceSourceException("photo larger than faces.max-photo-bytes (" + maxBytes + " bytes)");
    }

    private TransientFaceException timedOut(String url) {
        return new TransientFaceException("photo download timed out after " + timeoutMs + " ms: " + UrlPolicy.withoutQuery(url));
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
