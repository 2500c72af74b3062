package imagepipelines.ingest.bulk;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import imagepipelines.ingest.UploadKey;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * First pass of a bulk upload, on the central directory only (no entry data is read): which entries will be
 * ingested, which are skipped (hidden files, {@code __MACOSX/}, non-images) and which are refused (path traversal,
 * encryption, nested zips, links, unsupported compression, over the size limit, duplicates), and whether the
 * archive as a whole is acceptable (readable directory, entry count, total size and compression ratio, no
 * overlapping entries). The answer is a {@link BulkRun}.
 */
public final class BulkPlanner {

    private static final Pattern BATCH_ZIP =
            Pattern.compile("(?:^|.*/)(batch-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.zip$",
                    Pattern.CASE_INSENSITIVE);
    private static final Set<String> IMAGE_EXT = Set.of("jpg", "jpeg", "png");
    private static final int LOCAL_HEADER = 30;

    private final S3Client s3;
    private final EntryNames names;
    private final long maxEntries;
    private final long maxDirectoryBytes;
    private final long maxEntryBytes;
    private final long maxTotalBytes;
    private final long maxRatio;

    public BulkPlanner(S3Client s3, String fallbackCharsets, long maxEntries, long maxDirectoryBytes,
                       long maxEntryBytes, long maxTotalBytes, long maxRatio) {
        this.s3 = s3;
        this.names = new EntryNames(fallbackCharsets);
        this.maxEntries = maxEntries;
        this.maxDirectoryBytes = maxDirectoryBytes;
        this.maxEntryBytes = maxEntryBytes;
        this.maxTotalBytes = maxTotalBytes;
        this.maxRatio = maxRatio;
    }

    public static String batchIdOf(String zipKey) {
        Matcher m = BATCH_ZIP.matcher(zipKey);
        return m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }

    public long maxEntryBytes() {
        return maxEntryBytes;
    }

    public long maxTotalBytes() {
        return maxTotalBytes;
    }

    /**
     * Makes the run of the zip {@code upload}; the archive problems found are recorded in it ({@link BulkRun#fatal()}),
     * never thrown.
     */
    public BulkRun plan(UploadKey upload) {
        String base = upload.key().substring(upload.key().lastIndexOf('/') + 1);
        BulkRun run = new BulkRun(batchIdOf(upload.key()), upload.bucket(), upload.key(), base);
        if (run.batchId() == null) {
            run.fatal("the zip's name is not batch-<uuid>.zip, so it belongs to no batch");
            return run;
        }
        try {
            ZipCatalog catalog = ZipCatalog.read(s3, upload.bucket(), upload.key(), maxEntries, maxDirectoryBytes, names);
            plan(run, catalog);
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            run.gone();
        } catch (BadArchiveException e) {
            run.fatal(e.getMessage());
            run.planned().clear();
        } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
            run.fatal("the archive's directory is damaged (" + e.getMessage() + ")");
            run.planned().clear();
        }
        return run;
    }

    void plan(BulkRun run, ZipCatalog catalog) throws BadArchiveException {
        List<ZipCatalog.Entry> byOffset = new ArrayList<>(catalog.entries());
        byOffset.sort(Comparator.comparingLong(ZipCatalog.Entry::localHeaderOffset));
        for (int i = 0; i < byOffset.size(); i++) {
            ZipCatalog.Entry a = byOffset.get(i);
            // the catalog keeps offsets and sizes non-negative; compare without overflowing on a huge size
            if (a.compressedSize() > catalog.directoryOffset() - a.localHeaderOffset() - LOCAL_HEADER) {
                throw new BadArchiveException("entry '" + a.name() + "' declares data running past the central "
                        + "directory: the archive is damaged");
            }
            long dataEnd = a.localHeaderOffset() + LOCAL_HEADER + a.compressedSize();
            if (i + 1 < byOffset.size() && byOffset.get(i + 1).localHeaderOffset() < dataEnd) {
                throw new BadArchiveException("entries '" + a.name() + "' and '" + byOffset.get(i + 1).name()
                        + "' overlap in the file (a zip-bomb construction): refused");
            }
        }
        java.util.Map<Integer, Long> nextOffset = new java.util.HashMap<>();
        for (int i = 0; i < byOffset.size(); i++) {
            nextOffset.put(byOffset.get(i).index(),
                    i + 1 < byOffset.size() ? byOffset.get(i + 1).localHeaderOffset() : catalog.directoryOffset());
        }
        Set<String> keys = new HashSet<>();
        long declaredTotal = 0;
        for (ZipCatalog.Entry e : catalog.entries()) {
            if (e.directory()) {
                continue;
            }
            String label = "entry '" + e.name() + "'";
            String path;
            try {
                path = safePath(e.name());
            } catch (IllegalArgumentException bad) {
                String why = label + ": " + bad.getMessage() + "; not extracted";
                if (looksLikeImage(e.name())) {
                    run.refusedImage(why);
                } else {
                    run.problem(why);
                }
                continue;
            }
            if (hidden(path)) {
                run.hiddenSkipped();
                continue;
            }
            String base = path.substring(path.lastIndexOf('/') + 1);
            int dot = base.lastIndexOf('.');
            String ext = dot > 0 ? base.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
            if ("zip".equals(ext)) {
                run.problem(label + ": a zip inside the zip is not extracted (nested archives are refused); "
                        + "upload it as its own bulk upload");
                continue;
            }
            if (!IMAGE_EXT.contains(ext)) {
                run.nonImage(path);
                continue;
            }
            if (e.symlink()) {
                run.refusedImage(label + ": is a symbolic link, not a file; not extracted");
                continue;
            }
            if (e.encrypted()) {
                run.refusedImage(label + ": is encrypted (password-protected); encrypted entries cannot be extracted, "
                        + "zip the images without a password");
                continue;
            }
            if (e.method() != 0 && e.method() != 8) {
                run.refusedImage(label + ": uses compression method " + e.method()
                        + ", only stored (0) and deflate (8) are supported; not extracted");
                continue;
            }
            if (e.size() > maxEntryBytes) {
                run.refusedImage(label + ": inflates to " + e.size() + " bytes, more than the per-entry limit of "
                        + maxEntryBytes + " (bulk.max-entry-bytes); not extracted");
                continue;
            }
            String key = run.batchId() + "/" + path;
            if (key.getBytes(StandardCharsets.UTF_8).length > 1024) {
                run.refusedImage(label + ": path is longer than an S3 key may be (1024 bytes); not extracted");
                continue;
            }
            if (!keys.add(key)) {
                run.refusedImage(label + ": the same path appears twice in the archive; the second copy is not extracted");
                continue;
            }
            declaredTotal += e.size();
            long end = nextOffset.get(e.index());
            run.planned().add(new BulkRun.Planned(e, path, key, e.localHeaderOffset(), end - 1));
        }
        if (declaredTotal > maxTotalBytes) {
            throw new BadArchiveException("its images inflate to " + declaredTotal + " bytes in all, more than the "
                    + "limit of " + maxTotalBytes + " (bulk.max-total-bytes): split it into smaller zips");
        }
        double ratio = catalog.archiveBytes() == 0 ? 0 : (double) declaredTotal / catalog.archiveBytes();
        if (ratio > maxRatio) {
            throw new BadArchiveException(String.format(Locale.ROOT, "its images inflate to %d bytes from a %d-byte "
                    + "file (ratio %.0f:1, limit %d:1, bulk.max-ratio): refused as a zip bomb", declaredTotal,
                    catalog.archiveBytes(), ratio, maxRatio));
        }
    }

    /** The entry's path as an S3 key suffix, or why it cannot be one. */
    static String safePath(String name) {
        String n = name.replace('\\', '/');
        if (n.startsWith("/") || n.matches("^[A-Za-z]:.*")) {
            throw new IllegalArgumentException("absolute path (must be relative to the archive root)");
        }
        if (n.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("path contains control characters");
        }
        List<String> parts = new ArrayList<>();
        for (String seg : n.split("/")) {
            if (seg.equals("..")) {
                throw new IllegalArgumentException("path traversal ('..' leaves the archive folder)");
            }
            if (!seg.isEmpty() && !seg.equals(".")) {
                parts.add(seg);
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        return String.join("/", parts);
    }

    /** An entry name that would be a batch image if it could be extracted (image extension, not hidden). */
    static boolean looksLikeImage(String name) {
        String n = name.replace('\\', '/');
        String base = n.substring(n.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        return dot > 0 && IMAGE_EXT.contains(base.substring(dot + 1).toLowerCase(Locale.ROOT))
                && !n.contains("__MACOSX/");
    }

    static boolean hidden(String path) {
        for (String seg : path.split("/")) {
            if (seg.startsWith(".") || seg.equals("__MACOSX")) {
                return true;
            }
        }
        return false;
    }
}
