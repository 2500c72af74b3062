package imagepipelines.aerial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** Brings an upload into its scratch folder, in parallel ranged GETs when it is big enough to gain from them. */
public class SourceDownloader {

    /** Below this a part is not worth its own request. */
    static final long MIN_DOWNLOAD_PART = 8L << 20;

    private final S3Client s3;
    private final int downloadParts;
    /** The ranged GETs (daemon threads: nothing to wait for at shutdown). */
    private final ExecutorService downloads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "aerial-download");
        t.setDaemon(true);
        return t;
    });

    /** @param downloadParts ranged GETs at once ({@code aerial.source.download-parts}), at least 1 */
    public SourceDownloader(S3Client s3, int downloadParts) {
        if (downloadParts < 1) {
            throw new IllegalArgumentException("aerial.source.download-parts must be at least 1, not " + downloadParts);
        }
        this.s3 = s3;
        this.downloadParts = downloadParts;
    }

    /**
     * Downloads the upload into its scratch folder (when GDAL does not read it from S3): {@code downloadParts}
     * ranged GETs at once (at least {@value #MIN_DOWNLOAD_PART} bytes each) written into one file, every one with
     * {@code If-Match} on the ETag that {@link UploadLedger#begin} read, so an object replaced meanwhile fails the download (S3
     * answers 412; retried, then left for the next event) instead of mixing two versions.
     */
    public void download(AerialJob job) {
        Path target = job.scratchDir().resolve("source").resolve(job.key().file());
        try {
            Files.createDirectories(target.getParent());
            long size = job.size();
            int parts = (int) Math.max(1, Math.min(downloadParts, size / MIN_DOWNLOAD_PART));
            if (parts == 1) {
                s3.getObject(r -> r.bucket(job.bucket()).key(job.rawKey()).ifMatch(job.etag()),
                        ResponseTransformer.toFile(target));
            } else {
                downloadInParts(job, target, size, parts);
            }
            if (Files.size(target) != size) {
                throw new IOException("downloaded " + Files.size(target) + " bytes of " + size);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("download of " + job + " into " + target + " failed", e);
        }
        job.localSource(target);
    }

    private void downloadInParts(AerialJob job, Path target, long size, int parts) throws IOException {
        long partSize = (size + parts - 1) / parts;
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            List<Future<Void>> running = new ArrayList<>();
            for (int i = 0; i < parts; i++) {
                long from = i * partSize;
                long to = Math.min(size, from + partSize) - 1;
                running.add(downloads.submit(() -> {
                    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(job.bucket())
                            .key(job.rawKey()).range("bytes=" + from + "-" + to).ifMatch(job.etag()))) {
                        byte[] buf = new byte[1 << 20];
                        long pos = from;
                        for (int n; (n = in.read(buf)) > 0; pos += n) {
                            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                            while (b.hasRemaining()) {
                                out.write(b, pos + b.position());
                            }
                        }
                        if (pos != to + 1) {
                            throw new IOException("range " + from + "-" + to + " ended at " + pos);
                        }
                    }
                    return null;
                }));
            }
            try {
                for (Future<Void> f : running) {
                    f.get();
                }
            } catch (ExecutionException e) {
                running.forEach(f -> f.cancel(true));
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re; // S3 and SDK client errors: the routes' error handling classifies them
                }
                throw new IOException(e.getCause());
            } catch (InterruptedException e) {
                running.forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("download interrupted");
            }
        }
    }
}
