package imagepipelines.bench;

/**
 * Runs a sample every {@code periodMillis} on a daemon thread of its own while a benchmark measures, until
 * {@link #stop}: the benchmarks' peak-RSS and peak-disk samplers.
 */
final class PeriodicSampler {

    private final Thread thread;
    private volatile boolean running = true;

    PeriodicSampler(String name, long periodMillis, Runnable sample) {
        thread = new Thread(() -> {
            while (running) {
                sample.run();
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, name);
        thread.setDaemon(true);
    }

    PeriodicSampler start() {
        thread.start();
        return this;
    }

    /** Stops after the sample under way, and waits for it. */
    void stop() throws InterruptedException {
        running = false;
        thread.join();
    }
}
