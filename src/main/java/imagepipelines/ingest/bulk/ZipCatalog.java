package imagepipelines.ingest.bulk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * The central directory of a zip held in S3, read without downloading the archive: one ranged GET of the tail
 * (end-of-central-directory record, plus the zip64 locator) and one ranged GET of the directory itself. The
 * directory lists every entry (name, flags, method, CRC, sizes, where its data starts), so the entries can be
 * counted and checked before a single byte of data is read, and each entry can then be fetched by its own range.
 */
public record ZipCatalog(long archiveBytes, long directoryOffset, List<Entry> entries) {

    /** One central-directory record. Sizes and offsets are as declared: the extractor does not trust them. */
    public record Entry(int index, byte[] rawName, String name, int flags, int method, long crc, long compressedSize,
                        long size, long localHeaderOffset, int unixMode, boolean directory) {

        public boolean encrypted() {
            return (flags & 0x1) != 0;
        }

        public boolean symlink() {
            return (unixMode & 0170000) == 0120000;
        }
    }

    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int CEN_SIG = 0x02014b50;
    private static final int EOCD_MIN = 22;
    private static final int MAX_COMMENT = 0xFFFF;

    /** Bytes {@code start .. start+len-1} of the archive (the caller has checked they lie inside it). */
    @FunctionalInterface
    public interface Ranges {
        ByteBuffer read(long start, long len);
    }

    public static ZipCatalog read(S3Client s3, String bucket, String key, long maxEntries, long maxDirectoryBytes,
                                  EntryNames names) throws BadArchiveException {
        long size = s3.headObject(r -> r.bucket(bucket).key(key)).contentLength();
        return read(size, (start, len) -> range(s3, bucket, key, start, len), maxEntries, maxDirectoryBytes, names);
    }

    /**
     * The catalog of an archive of {@code size} bytes. Every range asked of {@code ranges} lies inside the file, so
     * a hostile directory ends in a {@link BadArchiveException} here, never in a failed (retried) read.
     */
    public static ZipCatalog read(long size, Ranges ranges, long maxEntries, long maxDirectoryBytes,
                                  EntryNames names) throws BadArchiveException {
        if (size < EOCD_MIN) {
            throw new BadArchiveException(size == 0 ? "the archive is empty (0 bytes)"
                    : "the archive is only " + size + " bytes: too short to be a zip file (truncated upload?)");
        }
        long tailLen = Math.min(size, EOCD_MIN + MAX_COMMENT + 20);
        long tailStart = size - tailLen;
        ByteBuffer tail = ranges.read(tailStart, tailLen);
        int eocd = -1;
        for (int i = (int) tailLen - EOCD_MIN; i >= 0; i--) {
            if (tail.getInt(i) == EOCD_SIG && i + EOCD_MIN + (tail.getShort(i + 20) & 0xFFFF) <= tailLen) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new BadArchiveException("no end-of-central-directory record at the end of the file: "
                    + "the archive is truncated (incomplete upload) or is not a zip file");
        }
        int disk = tail.getShort(eocd + 4) & 0xFFFF;
        int cdDisk = tail.getShort(eocd + 6) & 0xFFFF;
        long count = tail.getShort(eocd + 10) & 0xFFFF;
        long cdSize = tail.getInt(eocd + 12) & 0xFFFFFFFFL;
        long cdOffset = tail.getInt(eocd + 16) & 0xFFFFFFFFL;
        if (disk != 0 || cdDisk != 0) {
            throw new BadArchiveException("the archive is one part of a split (multi-volume) zip; upload a single-file zip");
        }
        if (count == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
            int loc = eocd - 20;
            if (loc < 0 || tail.getInt(loc) != ZIP64_LOCATOR_SIG) {
                throw new BadArchiveException("the archive declares zip64 sizes but has no zip64 locator: it is damaged");
            }
            long z64Offset = tail.getLong(loc + 8);
            // compared without adding to the offset: a hostile 2^63-1 would overflow past the check
            if (z64Offset < 0 || z64Offset > size - 56) {
                throw new BadArchiveException("the zip64 end record points outside the file: the archive is damaged or truncated");
            }
            ByteBuffer z = ranges.read(z64Offset, 56);
            if (z.getInt(0) != ZIP64_EOCD_SIG) {
                throw new BadArchiveException("the zip64 end record is damaged");
            }
            count = z.getLong(32);
            cdSize = z.getLong(40);
            cdOffset = z.getLong(48);
        }
        long eocdPos = tailStart + eocd;
        if (count < 0) {
            throw new BadArchiveException("the zip64 end record declares " + count + " entries: the archive is damaged");
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > eocdPos || cdSize > eocdPos - cdOffset) {
            throw new BadArchiveException("the central directory (offset " + cdOffset + ", " + cdSize
                    + " bytes) lies outside the " + size + "-byte file: the archive is truncated or damaged");
        }
        if (count > maxEntries) {
            throw new BadArchiveException("the archive has " + count + " entries, more than the limit of " + maxEntries
                    + " (bulk.max-entries): split it into smaller zips");
        }
        if (cdSize > maxDirectoryBytes) {
            throw new BadArchiveException("the central directory is " + cdSize + " bytes, more than the limit of "
                    + maxDirectoryBytes + " (bulk.max-directory-bytes)");
        }
        ByteBuffer cd = cdSize == 0 ? ByteBuffer.allocate(0) : ranges.read(cdOffset, cdSize);
        List<Entry> entries = new ArrayList<>();
        int p = 0;
        for (int i = 0; i < count; i++) {
            if (p + 46 > cdSize || cd.getInt(p) != CEN_SIG) {
                throw new BadArchiveException("central directory record #" + (i + 1) + " of " + count
                        + " is damaged (bad signature at directory offset " + p + "): the archive is corrupt");
            }
            int flags = cd.getShort(p + 8) & 0xFFFF;
            int method = cd.getShort(p + 10) & 0xFFFF;
            long crc = cd.getInt(p + 16) & 0xFFFFFFFFL;
            long csize = cd.getInt(p + 20) & 0xFFFFFFFFL;
            long usize = cd.getInt(p + 24) & 0xFFFFFFFFL;
            int nameLen = cd.getShort(p + 28) & 0xFFFF;
            int extraLen = cd.getShort(p + 30) & 0xFFFF;
            int commentLen = cd.getShort(p + 32) & 0xFFFF;
            int madeBy = (cd.getShort(p + 4) & 0xFFFF) >> 8;
            long extAttr = cd.getInt(p + 38) & 0xFFFFFFFFL;
            long offset = cd.getInt(p + 42) & 0xFFFFFFFFL;
            if (p + 46 + nameLen + extraLen + commentLen > cdSize) {
                throw new BadArchiveException("central directory record #" + (i + 1) + " runs past the end of the "
                        + "directory: the archive is corrupt");
            }
            byte[] raw = new byte[nameLen];
            cd.get(p + 46, raw);
            byte[] unicodePath = null;
            int e = p + 46 + nameLen;
            int end = e + extraLen;
            while (e + 4 <= end) {
                int id = cd.getShort(e) & 0xFFFF;
                int len = cd.getShort(e + 2) & 0xFFFF;
                int d = e + 4;
                if (d + len > end) {
                    break;
                }
                if (id == 0x0001) { // zip64 extended information, fields only where the 32-bit one is maxed
                    int q = d;
                    if (usize == 0xFFFFFFFFL && q + 8 <= d + len) {
                        usize = cd.getLong(q);
                        q += 8;
                    }
                    if (csize == 0xFFFFFFFFL && q + 8 <= d + len) {
                        csize = cd.getLong(q);
                        q += 8;
                    }
                    if (offset == 0xFFFFFFFFL && q + 8 <= d + len) {
                        offset = cd.getLong(q);
                    }
                } else if (id == 0x7075 && len > 5) { // Info-ZIP Unicode Path: UTF-8 name next to a legacy one
                    unicodePath = new byte[len - 5];
                    cd.get(d + 5, unicodePath);
                }
                e = d + len;
            }
            String name = names.decode(raw, (flags & 0x800) != 0, unicodePath);
            // zip64 fields are 64-bit: a value past 2^63 reads negative, and later arithmetic must not meet it
            if (usize < 0 || csize < 0 || offset < 0 || offset >= cdOffset) {
                throw new BadArchiveException("central directory record #" + (i + 1) + " ('" + name + "') declares "
                        + (offset < 0 || offset >= cdOffset ? "its data at offset " + offset + ", outside the file's "
                        + cdOffset + " bytes of entries" : "a size past 2^63 bytes") + ": the archive is damaged");
            }
            int unixMode = madeBy == 3 ? (int) (extAttr >>> 16) : 0; // 3 = Unix
            boolean dir = name.endsWith("/") || name.endsWith("\\") || (extAttr & 0x10) != 0 && usize == 0;
            entries.add(new Entry(i + 1, raw, name, flags, method, crc, csize, usize, offset, unixMode, dir));
            p += 46 + nameLen + extraLen + commentLen;
        }
        return new ZipCatalog(size, cdOffset, List.copyOf(entries));
    }

    private static ByteBuffer range(S3Client s3, String bucket, String key, long start, long len) {
        byte[] b = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key).range("bytes=" + start + "-" + (start + len - 1)))
                .asByteArray();
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
