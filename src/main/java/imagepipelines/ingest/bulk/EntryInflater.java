package imagepipelines.ingest.bulk;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * One entry of the zip, read from a stream positioned at its local header: reads the header, inflates the data into
 * a buffer of exactly the declared size (never more than {@code bulk.max-entry-bytes}, checked by the planner), and
 * refuses an entry that inflates past its declared size (zip bomb), ends early (truncated), or fails its CRC. Reads
 * no further than the entry's compressed data, so the next entry can follow on the same stream. Memory per entry is
 * bounded by its declared size; the compressed data is never held, only streamed through the inflater.
 */
public final class EntryInflater {

    private static final int LOCAL_SIG = 0x04034b50;

    /**
     * The entry's bytes, verified against the central directory's size and CRC.
     *
     * @throws EntryProblem the entry itself is bad (the message says why, for a person); the other entries go on
     * @throws IOException  reading the stream failed (connection trouble): worth another try
     */
    public byte[] inflate(InputStream body, BulkRun.Planned p) throws EntryProblem, IOException {
        ZipCatalog.Entry e = p.entry();
        String label = "entry '" + e.name() + "'";
        Inflater inflater = null;
        try {
            byte[] header = body.readNBytes(30);
            ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            if (header.length < 30 || h.getInt(0) != LOCAL_SIG) {
                throw new EntryProblem(label + ": its local header is missing or damaged; not extracted");
            }
            if ((h.getShort(6) & 0x1) != 0) {
                throw new EntryProblem(label + ": is encrypted (password-protected); not extracted");
            }
            int skip = (h.getShort(26) & 0xFFFF) + (h.getShort(28) & 0xFFFF);
            if (body.readNBytes(skip).length < skip) {
                throw new EntryProblem(label + ": the archive ends inside its header (truncated); not extracted");
            }
            InputStream data = new Bounded(body, e.compressedSize());
            if (e.method() == 8) {
                // raw deflate; the extra zero byte is the "dummy" byte Inflater may ask for at the end
                inflater = new Inflater(true);
                data = new InflaterInputStream(new SequenceInputStream(data, new ByteArrayInputStream(new byte[1])),
                        inflater, 64 * 1024);
            }
            int size = (int) e.size();
            byte[] out = new byte[size];
            int n = data.readNBytes(out, 0, size);
            if (n < size) {
                throw new EntryProblem(label + ": its data ends after " + n + " of the " + size
                        + " bytes declared (truncated or damaged); not extracted");
            }
            if (data.read() != -1) {
                throw new EntryProblem(label + ": inflates past its declared size of " + size
                        + " bytes (a zip bomb or a damaged entry); not extracted");
            }
            CRC32 crc = new CRC32();
            crc.update(out);
            if (crc.getValue() != e.crc()) {
                throw new EntryProblem(String.format("%s: CRC mismatch (directory says %08x, data gives %08x): the "
                        + "entry is damaged; not extracted", label, e.crc(), crc.getValue()));
            }
            return out;
        } catch (ZipException z) {
            throw new EntryProblem(label + ": its compressed data is damaged (" + z.getMessage() + "); not extracted", z);
        } catch (EOFException eof) {
            // the deflate stream wants more than the entry's compressed size: the entry is cut short
            throw new EntryProblem(label + ": the archive ends inside its data (truncated); not extracted", eof);
        } finally {
            if (inflater != null) {
                inflater.end(); // native memory now, not at the next GC
            }
        }
    }

    /** At most {@code limit} bytes of the wrapped stream; never closes it. */
    private static final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long limit) {
            super(in);
            left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int r = in.read(b, off, (int) Math.min(len, left));
            if (r > 0) {
                left -= r;
            }
            return r;
        }

        @Override
        public void close() {
        }
    }
}
