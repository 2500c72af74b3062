package imagepipelines.ingest;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Persistent exiftool processes, one per worker thread in use: a thread borrows an idle process (or starts one),
 * and a process that died or timed out is thrown away and replaced on the next call.
 */
public final class ExifToolPool implements AutoCloseable {

    private final String executable;
    private final long timeoutMillis;
    private final ConcurrentLinkedQueue<ExifToolProcess> idle = new ConcurrentLinkedQueue<>();
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
        try {
            ExifToolProcess.Result r = p.execute(args, timeoutMillis);
            idle.add(p);
            return r;
        } catch (IOException | RuntimeException e) {
            p.close(); // its streams may be out of step: never reuse it
            throw e;
        }
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
