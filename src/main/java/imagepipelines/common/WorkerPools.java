package imagepipelines.common;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Fixed thread pools whose threads carry a name (thread dumps, profiles, per-thread CPU). */
public final class WorkerPools {

    private WorkerPools() {
    }

    public static ExecutorService fixed(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            return t;
        });
    }
}
