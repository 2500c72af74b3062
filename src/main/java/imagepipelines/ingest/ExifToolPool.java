package imagepipelines.ingest;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Persistent exiftool processes, one per worker thread in use: a thread borrows an idle process (or starts one),
 * and a process that died or timed out is thrown away and replaced on the next call. Gauges (bound by
 * PipelineMetrics): {@code pipelines_exiftool_busy} (processes reading an image now) and
 * {@code pipelines_exiftool_processes} (alive: busy plus idle).
 */
public final class ExifToolPool implements AutoCloseable, MeterBinder {

    private final String executable;
    private final long timeoutMillis;
    private final ConcurrentLinkedQueue<ExifToolProcess> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean closed;

    public ExifToolPool(String executable, long timeoutMillis) {
        this.executable = executable;
        this.timeoutMillis = timeoutMillis;
    }

    public ExifToolProcess.Result run(List<String> args) throws IOException {
        if (closed) {
            throw new IllegalStateException("exiftool pool is closed");
        }
        ExifToolProcess p = idle.poll();
        while (p != null && !p.isAlive()) {
            p = idle.poll();
        }
        if (p == null) {
            p = start();
        }
        busy.incrementAndGet();
        try {
            ExifToolProcess.Result r = p.execute(args, timeoutMillis);
            idle.add(p);
            return r;
        } catch (IOException | RuntimeException e) {
            p.close(); // its streams may be out of step: never reuse it
            throw e;
        } finally {
            busy.decrementAndGet();
        }
    }

    /** Processes reading an image now. */
    public int busy() {
        return busy.get();
    }

    /** Alive processes: busy ones and idle ones. */
    public int size() {
        return busy.get() + (int) idle.stream().filter(ExifToolProcess::isAlive).count();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("pipelines.exiftool.busy", this, ExifToolPool::busy)
                .description("exiftool processes reading an image now").register(registry);
        Gauge.builder("pipelines.exiftool.processes", this, ExifToolPool::size)
                .description("exiftool processes alive (busy and idle)").register(registry);
    }

    private ExifToolProcess start() throws IOException {
        try {
            return new ExifToolProcess(executable);
        } catch (IOException e) {
            throw new IOException("cannot start exiftool ('" + executable + "'): install Debian's libimage-exiftool-perl "
                    + "or set ingest.exiftool", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        ExifToolProcess p;
        while ((p = idle.poll()) != null) {
            p.close();
        }
    }
}
