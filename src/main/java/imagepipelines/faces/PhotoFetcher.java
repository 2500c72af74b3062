package imagepipelines.faces;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Downloads a photo asynchronously: no thread waits while the bytes come in, so a slow photo host holds no worker.
 * Limits: {@code timeoutMs} to connect and to receive the response headers, and a total {@code deadlineMs} for the
 * whole download (every redirect, headers and body; a host dripping bytes cannot stretch it); a size cap checked
 * while streaming (a larger body is cut, not read); redirects followed here, at most {@code maxRedirects}, each
 * checked against the {@link UrlPolicy} before it is requested, and each host's DNS answer against
 * {@link HostAddresses} (no metadata or link-local address) before connecting. A download that is merely slow (deadline or time-out)
 * is a permanent failure of the source for this request, not retried; refused connections, broken transfers, 5xx,
 * 408 and 429 are transient.
 */
public final class PhotoFetcher implements AutoCloseable {

    private final UrlPolicy policy;
    private final long timeoutMs;
    private final long deadlineMs;
    private final long maxBytes;
    private final int maxRedirects;
    private final HttpClient http;
    private final HostAddresses addresses;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "faces-download-deadline");
        t.setDaemon(true);
        return t;
    });

    public PhotoFetcher(UrlPolicy policy, long timeoutMs, long deadlineMs, long maxBytes, int maxRedirects) {
        this(policy, timeoutMs, deadlineMs, maxBytes, maxRedirects, HostAddresses.SYSTEM);
    }

    PhotoFetcher(UrlPolicy policy, long timeoutMs, long deadlineMs, long maxBytes, int maxRedirects,
            HostAddresses.Resolver resolver) {
        this.addresses = new HostAddresses(resolver);
        this.policy = policy;
        this.timeoutMs = timeoutMs;
        this.deadlineMs = deadlineMs;
        this.maxBytes = maxBytes;
        this.maxRedirects = maxRedirects;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofMillis(timeoutMs))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The photo's bytes; fails with {@link FaceSourceException} (permanent) or {@link TransientFaceException}. */
    public CompletableFuture<byte[]> fetch(String url) {
        URI uri;
        try {
            uri = policy.check(url);
        } catch (FaceSourceException e) {
            return CompletableFuture.failedFuture(e);
        }
        Download d = new Download(url, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs));
        ScheduledFuture<?> timer = watchdog.schedule(d::deadlineReached, deadlineMs, TimeUnit.MILLISECONDS);
        d.result.whenComplete((b, e) -> timer.cancel(false));
        d.hop(uri, 0);
        return d.result;
    }

    /** One download: its hops, the transfer in progress (to cut at the deadline) and the outcome. */
    private final class Download {
        final String url;
        final long deadlineNanos;
        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        final AtomicReference<CompletableFuture<?>> inProgress = new AtomicReference<>();
        final AtomicReference<CappedBody> body = new AtomicReference<>();

        Download(String url, long deadlineNanos) {
            this.url = url;
            this.deadlineNanos = deadlineNanos;
        }

        void deadlineReached() {
            if (result.completeExceptionally(new FaceSourceException("photo download exceeded its deadline of "
                    + deadlineMs + " ms (faces.download.deadline-ms); a slow photo host is not retried within one"
                    + " request: " + UrlPolicy.withoutQuery(url)))) {
                CappedBody b = body.get();
                if (b != null) {
                    b.cancel();
                }
                CompletableFuture<?> f = inProgress.get();
                if (f != null) {
                    f.cancel(true);
                }
            }
        }

        void hop(URI uri, int hop) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left <= 0) {
                deadlineReached();
                return;
            }
            String refused = addresses.refusal(uri.getHost());
            if (refused != null) {
                result.completeExceptionally(new FaceSourceException(hop > 0 ? "redirect refused: " + refused : refused));
                return;
            }
            HttpRequest req = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofMillis(Math.min(timeoutMs, left)))
                    .header("Accept", "image/webp,image/jpeg,image/png,*/*;q=0.5").build();
            CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(req, info -> {
                boolean declaredTooLarge = info.headers().firstValueAsLong("Content-Length").orElse(-1) > maxBytes;
                CappedBody b = new CappedBody(info.statusCode() == 200 ? maxBytes : -1, declaredTooLarge);
                body.set(b);
                return b;
            });
            inProgress.set(f);
            f.whenComplete((resp, e) -> {
                if (result.isDone()) {
                    return;
                }
                try {
                    if (e != null) {
                        result.completeExceptionally(failure(e, uri));
                    } else {
                        answered(resp, uri, hop);
                    }
                } catch (RuntimeException x) {
                    result.completeExceptionally(x);
                }
            });
        }

        private void answered(HttpResponse<byte[]> resp, URI uri, int hop) {
            int status = resp.statusCode();
            String where = UrlPolicy.withoutQuery(uri.toString());
            if (status >= 300 && status < 400 && resp.headers().firstValue("Location").isPresent()) {
                if (hop >= maxRedirects) {
                    result.completeExceptionally(new FaceSourceException("more than " + maxRedirects + " redirects: "
                            + UrlPolicy.withoutQuery(url)));
                    return;
                }
                URI next;
                try {
                    next = policy.check(uri.resolve(resp.headers().firstValue("Location").get()).toString());
                } catch (IllegalArgumentException e) {
                    result.completeExceptionally(new FaceSourceException("invalid redirect from " + where));
                    return;
                } catch (FaceSourceException e) {
                    result.completeExceptionally(new FaceSourceException("redirect refused: " + e.getMessage()));
                    return;
                }
                hop(next, hop + 1);
                return;
            }
            if (status >= 500 || status == 429 || status == 408) {
                result.completeExceptionally(new TransientFaceException("photo host answered " + status + ": " + where));
            } else if (status != 200) {
                result.completeExceptionally(new FaceSourceException("photo download answered " + status + ": " + where));
            } else {
                result.complete(resp.body());
            }
        }

        private Exception failure(Throwable e, URI uri) {
            Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            String where = UrlPolicy.withoutQuery(uri.toString());
            if (c instanceof FaceSourceException f) {
                return f;
            }
            if (c instanceof HttpTimeoutException) {
                return new FaceSourceException("photo host did not answer within " + timeoutMs
                        + " ms (faces.download.timeout-ms); a slow photo host is not retried within one request: " + where);
            }
            if (c instanceof ConnectException) {
                return new TransientFaceException("photo host refused the connection: " + where);
            }
            if (c instanceof CancellationException) {
                return new TransientFaceException("photo download cancelled: " + where);
            }
            if (c instanceof IOException) {
                return new TransientFaceException("photo download broke off: " + c.getClass().getSimpleName() + " ("
                        + where + ")");
            }
            return new TransientFaceException("photo download failed: " + c + " (" + where + ")");
        }
    }

    /**
     * The body of a 200 answer, refused past {@code maxBytes} (the connection is closed, the rest never read); any
     * other answer's body is not read at all ({@code maxBytes} &lt; 0).
     */
    private final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long max;
        private final boolean declaredTooLarge;
        private final CompletableFuture<byte[]> bytes = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 * 1024);
        private volatile Flow.Subscription subscription;

        CappedBody(long max, boolean declaredTooLarge) {
            this.max = max;
            this.declaredTooLarge = declaredTooLarge;
        }

        void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            bytes.cancel(false);
        }

        @Override
        public CompletableFuture<byte[]> getBody() {
            return bytes;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (max < 0) {
                s.cancel();
                bytes.complete(null);
                return;
            }
            if (declaredTooLarge) {
                s.cancel();
                bytes.completeExceptionally(tooLarge());
                return;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                if (out.size() + (long) b.remaining() > max) {
                    subscription.cancel();
                    bytes.completeExceptionally(tooLarge());
                    return;
                }
                byte[] a = new byte[b.remaining()];
                b.get(a);
                out.write(a, 0, a.length);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            bytes.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            bytes.complete(out.toByteArray());
        }
    }

    private FaceSourceException tooLarge() {
        return new FaceSourceException("photo larger than faces.max-photo-bytes (" + maxBytes + " bytes)");
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
