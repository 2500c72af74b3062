package imagepipelines.faces;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spaces the POSTs to each receiver host evenly at {@code faces.post.rate-per-minute} (concrexit allows 30 requests
 * per minute per client IP; evenly spaced posts never exceed that in any minute) and holds a host back for the
 * {@code Retry-After} it answered with a 429. Slots are booked: {@link #reserve} returns how long the caller must wait
 * for its own turn, so concurrent posters never take the same slot. Per instance: with several replicas posting to
 * one receiver, divide the rate among them.
 */
public final class ReceiverRateLimiter {

    private final long intervalMs;
    private final Map<String, Long> nextFree = new ConcurrentHashMap<>();

    public ReceiverRateLimiter(int perMinute) {
        if (perMinute <= 0) {
            throw new IllegalArgumentException("faces.post.rate-per-minute must be at least 1, not " + perMinute);
        }
        this.intervalMs = Math.max(1, 60_000L / perMinute);
    }

    /** Books the next free slot of {@code host}; the milliseconds until it (0 = post now). */
    public long reserve(String host) {
        long now = System.currentTimeMillis();
        long[] slot = new long[1];
        nextFree.compute(host, (h, next) -> {
            slot[0] = next == null ? now : Math.max(now, next);
            return slot[0] + intervalMs;
        });
        return slot[0] - now;
    }

    /** The receiver asked to wait ({@code Retry-After}): no slot of {@code host} before then. */
    public void pause(String host, long millis) {
        long until = System.currentTimeMillis() + millis;
        nextFree.merge(host, until, Math::max);
    }
}
