package imagepipelines.ingest.bulk;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Second pass, one group of adjacent entries at a time ({@link BulkRun.Group}): one ranged GET of the zip from the
 * group's first local header to its last entry's end, read as a stream ({@link #open}); each entry is inflated and
 * checked ({@link EntryInflater}) and written with one PUT to the ingestion bucket as {@code <batchId>/<path>},
 * carrying the zip's CRC-32 as the object's {@code x-amz-checksum-crc32} so S3 verifies what it stores against the
 * archive (and the SDK computes no checksum of its own). Two requests per zip-group plus one per entry, no copy of an
 * entry's bytes between the inflater and the socket.
 *
 * <p>The route ({@code ingest-bulk-extract-group}) calls {@link #extractNext} once per entry. An entry that is itself
 * bad is recorded and skipped ({@link BulkRun#failedOne}). A transient failure (connection trouble, S3 5xx) while
 * reading or writing an entry is thrown as {@link TransientEntryException}: Camel redelivers that entry (redelivery
 * policy {@code ingestRetryPolicy}, {@code ingest.retry.*}) with the stream reopened at it, and after the last try
 * the route records it as failed ({@link #entryFailed}). Entries already written (a redelivered group, a resumed
 * zip) are skipped.
 */
public final class EntryExtractor {

    private static final long DRAIN_LIMIT = 64 * 1024;

    private final S3Client s3;
    private final EntryInflater inflater;
    private final String bucket;
    private final long maxTotalBytes;

    public EntryExtractor(S3Client s3, EntryInflater inflater, String bucket, long maxTotalBytes) {
        this.s3 = s3;
        this.inflater = inflater;
        this.bucket = bucket;
        this.maxTotalBytes = maxTotalBytes;
    }

    /** The group's byte range of the zip, opened at its first entry to read. */
    public GroupReader open(BulkRun run, BulkRun.Group group) {
        return new GroupReader(run, group);
    }

    /** Whether an entry of the group is neither written nor recorded as failed. */
    public boolean hasNext(BulkRun run, BulkRun.Group group) {
        return next(run, group) != null;
    }

    /** Extracts the group's next entry (see {@link #hasNext}). */
    public void extractNext(BulkRun run, BulkRun.Group group, GroupReader reader) throws TransientEntryException {
        BulkRun.Planned p = next(run, group);
        if (p == null) {
            return;
        }
        long counted = 0;
        try {
            byte[] data = inflater.inflate(reader.at(p.rangeStart()), p);
            counted = data.length;
            if (run.addInflated(counted) > maxTotalBytes) {
                throw new EntryProblem("entry '" + p.entry().name() + "': the archive's images inflate past the "
                        + "total limit of " + maxTotalBytes + " bytes (bulk.max-total-bytes); not extracted");
            }
            put(p, data);
            run.markDone(p.entry().index());
            run.extractedOne();
        } catch (EntryProblem problem) {
            run.failedOne(p.entry().index(), problem.getMessage());
        } catch (IOException | SdkException trouble) {
            run.addInflated(-counted);
            reader.drop();
            if (!worthRetrying(trouble)) {
                run.failedOne(p.entry().index(), couldNot(p, trouble));
                return;
            }
            throw new TransientEntryException(p, trouble);
        }
    }

    /** Reads what is left of the range (so the connection is reused) or aborts it. */
    public void close(GroupReader reader) {
        reader.close();
    }

    /** The entry's last try failed too: recorded as failed with the reason; the group goes on with the next. */
    public void entryFailed(BulkRun run, TransientEntryException e) {
        run.failedOne(e.entry().entry().index(), couldNot(e.entry(), e.getCause()));
    }

    /** After an unexpected failure of a whole group: each of its entries not written is recorded with the reason. */
    public void groupFailed(BulkRun run, BulkRun.Group group, Throwable t) {
        for (BulkRun.Planned p : group.entries()) {
            if (!run.isSettled(p.entry().index())) {
                run.failedOne(p.entry().index(), couldNot(p, t));
            }
        }
    }

    private static BulkRun.Planned next(BulkRun run, BulkRun.Group group) {
        for (BulkRun.Planned p : group.entries()) {
            if (!run.isSettled(p.entry().index())) {
                return p;
            }
        }
        return null;
    }

    private void put(BulkRun.Planned p, byte[] data) {
        String type = p.key().toLowerCase(Locale.ROOT).endsWith(".png") ? "image/png" : "image/jpeg";
        String crc = Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) p.entry().crc()).array());
        s3.putObject(PutObjectRequest.builder().bucket(bucket).key(p.key()).contentType(type)
                        .contentLength((long) data.length).checksumCRC32(crc).build(),
                RequestBody.fromContentProvider(ContentStreamProvider.fromByteArrayUnsafe(data), data.length, type));
    }

    /** Client errors (4xx but time-outs and throttling) will not go away by asking again. */
    private static boolean worthRetrying(Throwable t) {
        if (t instanceof AwsServiceException a) {
            int s = a.statusCode();
            return s >= 500 || s == 408 || s == 429 || s == 0;
        }
        return true;
    }

    private static String couldNot(BulkRun.Planned p, Throwable t) {
        return "entry '" + p.entry().name() + "': could not be extracted (" + (t == null ? "unknown error"
                : t.getClass().getSimpleName() + ": " + t.getMessage()) + ")";
    }

    /** The group's byte range of the zip as one stream, reopened at an entry after a failure. */
    public final class GroupReader implements AutoCloseable {
        private final BulkRun run;
        private final BulkRun.Group group;
        private ResponseInputStream<?> response;
        private Counting in;

        GroupReader(BulkRun run, BulkRun.Group group) {
            this.run = run;
            this.group = group;
        }

        /** The stream, positioned at {@code offset} of the zip. */
        InputStream at(long offset) throws IOException {
            if (in != null && in.position > offset) {
                drop();
            }
            if (in == null) {
                response = s3.getObject(r -> r.bucket(run.bucket()).key(run.zipKey())
                        .range("bytes=" + offset + "-" + group.rangeEnd()));
                in = new Counting(response, offset);
            }
            in.skipTo(offset);
            return in;
        }

        /** Forgets the current stream (after a failure): the next entry opens a new one. */
        void drop() {
            if (response != null) {
                response.abort();
                try {
                    response.close();
                } catch (IOException | RuntimeException ignored) {
                    // aborted
                }
            }
            response = null;
            in = null;
        }

        /** Reads what is left of the range (a data descriptor, a few bytes) so the connection is reused, or aborts. */
        @Override
        public void close() {
            if (response == null) {
                return;
            }
            try {
                long left = DRAIN_LIMIT;
                byte[] buf = new byte[8192];
                int r;
                while (left > 0 && (r = response.read(buf, 0, (int) Math.min(buf.length, left))) >= 0) {
                    left -= r;
                }
                if (left <= 0) {
                    response.abort();
                }
                response.close();
            } catch (IOException | RuntimeException ignored) {
                // the connection is dropped; nothing else to do
            }
            response = null;
            in = null;
        }
    }

    /** Knows its position in the zip. */
    private static final class Counting extends FilterInputStream {
        long position;

        Counting(InputStream in, long position) {
            super(in);
            this.position = position;
        }

        void skipTo(long offset) throws IOException {
            while (position < offset) {
                long s = in.skip(offset - position);
                if (s <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("the zip's stream ended at byte " + position + ", before " + offset);
                    }
                    s = 1;
                }
                position += s;
            }
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                position++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = in.read(b, off, len);
            if (r > 0) {
                position += r;
            }
            return r;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(n);
            position += Math.max(0, s);
            return s;
        }

        @Override
        public void close() {
            // the reader closes the response
        }
    }
}
