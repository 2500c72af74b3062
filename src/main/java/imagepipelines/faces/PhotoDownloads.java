package imagepipelines.faces;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Schedules the photo downloads of all requests so that one slow photo server never blocks the others: at most
 * {@code perHost} downloads at once from one server (host and port), at most {@code inFlight} photos in this
 * instance at once (downloading, or downloaded and waiting to be encoded: that bounds memory), servers served in
 * turn. A download waiting for its turn holds no thread; a photo holds its place until {@link HeldPhoto#release()}.
 */
public final class PhotoDownloads {

    /** A downloaded photo and its place among the {@code inFlight}; release once its bytes are no longer needed. */
    public static final class HeldPhoto {
        private final byte[] bytes;
        private final Runnable onRelease;
        private final AtomicBoolean released = new AtomicBoolean();

        HeldPhoto(byte[] bytes, Runnable onRelease) {
            this.bytes = bytes;
            this.onRelease = onRelease;
        }

        public byte[] bytes() {
            return bytes;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                onRelease.run();
            }
        }
    }

    private record Waiting(String url, CompletableFuture<HeldPhoto> result, long startNanos) {
    }

    private final PhotoFetcher fetcher;
    private final FacesStats stats;
    private final int inFlight;
    private final int perHost;
    /** Servers with downloads waiting, in the order they are served (a served server moves to the end). */
    private final LinkedHashMap<String, ArrayDeque<Waiting>> waiting = new LinkedHashMap<>();
    private final Map<String, Integer> active = new HashMap<>();
    private int held;

    public PhotoDownloads(PhotoFetcher fetcher, int inFlight, int perHost, FacesStats stats) {
        if (inFlight < 1 || perHost < 1) {
            throw new IllegalArgumentException("faces.download.in-flight and faces.download.per-host must be at least 1");
        }
        this.fetcher = fetcher;
        this.stats = stats;
        this.inFlight = inFlight;
        this.perHost = perHost;
    }

    /**
     * The photo once downloaded (in its turn); fails as {@link PhotoFetcher#fetch} does. Camel's bean step goes on
     * when the future completes, so no worker thread waits for a download (faces-download-photo).
     */
    public CompletableFuture<HeldPhoto> fetch(String url) {
        CompletableFuture<HeldPhoto> result = new CompletableFuture<>();
        long t0 = System.nanoTime();
        synchronized (this) {
            waiting.computeIfAbsent(server(url), k -> new ArrayDeque<>()).add(new Waiting(url, result, t0));
        }
        dispatch();
        return result;
    }

    /** Gives a photo's place back (null: nothing held); safe to call twice. */
    public void release(HeldPhoto photo) {
        if (photo != null) {
            photo.release();
        }
    }

    /** Downloads waiting for their turn, and photos held (for metrics and tests). */
    public synchronized int waitingCount() {
        return waiting.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    public synchronized int heldCount() {
        return held;
    }

    private void dispatch() {
        while (true) {
            Waiting next = null;
            String server = null;
            synchronized (this) {
                if (held >= inFlight) {
                    return;
                }
                for (Iterator<Map.Entry<String, ArrayDeque<Waiting>>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<String, ArrayDeque<Waiting>> e = it.next();
                    if (active.getOrDefault(e.getKey(), 0) < perHost) {
                        server = e.getKey();
                        next = e.getValue().poll();
                        it.remove();
                        if (!e.getValue().isEmpty()) {
                            waiting.put(server, e.getValue()); // to the end: servers take turns
                        }
                        break;
                    }
                }
                if (next == null) {
                    return;
                }
                held++;
                active.merge(server, 1, Integer::sum);
            }
            start(next, server);
        }
    }

    private void start(Waiting w, String server) {
        fetcher.fetch(w.url()).whenComplete((bytes, e) -> {
            synchronized (this) {
                active.merge(server, -1, Integer::sum);
                if (e != null) {
                    held--;
                }
            }
            if (e != null) {
                w.result().completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
                dispatch();
                return;
            }
            stats.add("download", System.nanoTime() - w.startNanos());
            if (!w.result().complete(new HeldPhoto(bytes, this::released))) {
                released();
            }
            dispatch();
        });
    }

    private void released() {
        synchronized (this) {
            held--;
        }
        dispatch();
    }

    /** host:port of the URL (the photo server), or the URL itself when it cannot be read (the fetch then fails). */
    private static String server(String url) {
        try {
            URI u = URI.create(UrlPolicy.normalized(url));
            return u.getHost() == null ? url : u.getHost() + ":" + u.getPort();
        } catch (IllegalArgumentException e) {
            return url;
        }
    }
}
