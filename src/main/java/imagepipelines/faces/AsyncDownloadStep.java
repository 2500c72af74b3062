package imagepipelines.faces;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * faces-download-photo as an asynchronous Camel step: the source's photo is requested from {@link PhotoDownloads}
 * and the route goes on when it has arrived, so no worker thread waits for a download (a slow photo host holds
 * none). Sets the exchange property {@code photo} ({@link PhotoDownloads.HeldPhoto}) or the failure.
 */
public final class AsyncDownloadStep extends AsyncProcessorSupport {

    private final PhotoDownloads downloads;
    private final FacesStats stats;

    public AsyncDownloadStep(PhotoDownloads downloads, FacesStats stats) {
        this.downloads = downloads;
        this.stats = stats;
    }

    @Override
    public boolean process(Exchange ex, AsyncCallback callback) {
        FaceSource s = ex.getProperty("source", FaceSource.class);
        long t0 = System.nanoTime();
        CompletableFuture<PhotoDownloads.HeldPhoto> f = downloads.fetch(s.photoUrl());
        if (f.isDone()) {
            // refused at once (e.g. by the URL policy): finish synchronously
            f.whenComplete((photo, e) -> apply(ex, photo, e, t0));
            callback.done(true);
            return true;
        }
        f.whenComplete((photo, e) -> {
            apply(ex, photo, e, t0);
            callback.done(false);
        });
        return false;
    }

    private void apply(Exchange ex, PhotoDownloads.HeldPhoto photo, Throwable e, long t0) {
        if (e != null) {
            ex.setException(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
        } else {
            stats.add("download", System.nanoTime() - t0);
            ex.setProperty("photo", photo);
        }
    }
}
