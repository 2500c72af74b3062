package imagepipelines.aerial;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Vector;

import org.gdal.gdal.Band;
import org.gdal.gdal.Dataset;
import org.gdal.gdal.gdal;
import org.gdal.gdalconst.gdalconst;

/**
 * The rules of GDAL's {@code validate_cloud_optimized_geotiff.py --full-check=yes} (GDAL 3.6), checked in-process
 * through the GDAL bindings and a plain read of the file: the same checks, in the same order, with the same
 * messages. The stage {@code aerial-validate-cog} uses it because starting Python and importing {@code osgeo} is
 * most of the script's time (docs/aerial.md); the tests hold it to the script's verdict on valid and broken files
 * ({@code CogLayoutCheckTest}), and {@link CogValidator} still runs the script itself where asked.
 *
 * <ul>
 *   <li>GeoTIFF only; a file larger than 512 px must be tiled (a warning when it has no overviews); overviews
 *       internal, by decreasing size, tiled;</li>
 *   <li>the main IFD right after the header and GDAL's structural metadata; the overviews' IFDs after it in
 *       order; the image data after the IFDs, smallest overview first, full resolution last;</li>
 *   <li>full check, when the file declares GDAL's COG layout: blocks in row-major order, each with its size as a
 *       4-byte leader and its last 4 bytes repeated after it, mask blocks right after their imagery block.</li>
 * </ul>
 */
public final class CogLayoutCheck {

    private static final String STRUCTURAL_MD = "GDAL_STRUCTURAL_METADATA_SIZE=";

    private CogLayoutCheck() {
    }

    /** Checks {@code file}; never throws for a bad file: what is wrong comes back as errors. */
    public static CogValidator.Result check(Path file) {
        GdalRuntime.ensureLoaded();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return new CogValidator.Result(false, List.of("Invalid file : no such file " + file), List.of());
        }
        gdal.PushErrorHandler("CPLQuietErrorHandler");
        // the S3 settings turn directory listing off process-wide (GdalS3Access); the check must see a side-car
        // .ovr or .msk next to a local file, as the script does
        String readdir = gdal.GetThreadLocalConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", null);
        gdal.SetThreadLocalConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", "NO");
        Dataset ds;
        try {
            ds = gdal.Open(file.toString(), gdalconst.GA_ReadOnly);
        } finally {
            gdal.SetThreadLocalConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", readdir);
            gdal.PopErrorHandler();
        }
        if (ds == null) {
            return new CogValidator.Result(false, List.of("Invalid file : " + gdal.GetLastErrorMsg()), List.of());
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (!"GTiff".equals(ds.GetDriver().getShortName())) {
                return new CogValidator.Result(false, List.of("The file is not a GeoTIFF"), List.of());
            }
            check(ds, file.toString(), f, errors, warnings);
        } catch (IOException e) {
            errors.add("Cannot read file: " + e.getMessage());
        } finally {
            ds.delete();
        }
        return new CogValidator.Result(errors.isEmpty(), errors, warnings);
    }

    private static void check(Dataset ds, String filename, RandomAccessFile f, List<String> errors,
                              List<String> warnings) throws IOException {
        Band main = ds.GetRasterBand(1);
        int ovrCount = main.GetOverviewCount();
        List<String> files = fileList(ds);
        if (files.contains(filename + ".ovr")) {
            errors.add("Overviews found in external .ovr file. They should be internal");
        }
        if (main.getXSize() > 512 || main.getYSize() > 512) {
            if (main.GetBlockXSize() == main.getXSize() && main.GetBlockXSize() > 1024) {
                errors.add("The file is greater than 512xH or Wx512, but is not tiled");
            }
            if (ovrCount == 0) {
                warnings.add("The file is greater than 512xH or Wx512, it is recommended to include internal "
                        + "overviews");
            }
        }

        List<Long> ifdOffsets = new ArrayList<>();
        ifdOffsets.add(Long.parseLong(main.GetMetadataItem("IFD_OFFSET", "TIFF")));
        Layout layout = new Layout();
        if (ifdOffsets.get(0) != 8 && ifdOffsets.get(0) != 16) {
            byte[] sig = new byte[4];
            f.seek(0);
            f.readFully(sig);
            boolean bigTiff = (sig[0] == 0x49 && sig[1] == 0x49 && sig[2] == 0x2B && sig[3] == 0)
                    || (sig[0] == 0x4D && sig[1] == 0x4D && sig[2] == 0 && sig[3] == 0x2B);
            long expected = bigTiff ? 16 : 8;
            String pattern = STRUCTURAL_MD + "000000 bytes\n";
            String got = readLatin1(f, expected, pattern.length());
            if (got.length() == pattern.length() && got.startsWith(STRUCTURAL_MD)) {
                int size = Integer.parseInt(got.substring(STRUCTURAL_MD.length(), STRUCTURAL_MD.length() + 6));
                String md = readLatin1(f, expected + pattern.length(), size);
                layout.rowMajor = md.contains("BLOCK_ORDER=ROW_MAJOR");
                layout.leaderSize = md.contains("BLOCK_LEADER=SIZE_AS_UINT4");
                layout.trailerRepeated = md.contains("BLOCK_TRAILER=LAST_4_BYTES_REPEATED");
                layout.maskInterleaved = md.contains("MASK_INTERLEAVED_WITH_IMAGERY=YES");
                if (md.contains("KNOWN_INCOMPATIBLE_EDITION=YES")) {
                    errors.add("KNOWN_INCOMPATIBLE_EDITION=YES is declared in the file");
                }
                expected += pattern.length() + size;
                expected += expected % 2;
            }
            if (expected != ifdOffsets.get(0)) {
                errors.add("The offset of the main IFD should be " + expected + ". It is " + ifdOffsets.get(0)
                        + " instead");
            }
        }

        for (int i = 0; i < ovrCount; i++) {
            Band ovr = main.GetOverview(i);
            Band larger = i == 0 ? main : main.GetOverview(i - 1);
            if (ovr.getXSize() > larger.getXSize() || ovr.getYSize() > larger.getYSize()) {
                errors.add(i == 0 ? "First overview has larger dimension than main band"
                        : "Overview of index " + i + " has larger dimension than overview of index " + (i - 1));
            }
            if (ovr.GetBlockXSize() == ovr.getXSize() && ovr.GetBlockXSize() > 1024) {
                errors.add("Overview of index " + i + " is not tiled");
            }
            ifdOffsets.add(Long.parseLong(ovr.GetMetadataItem("IFD_OFFSET", "TIFF")));
            long now = ifdOffsets.get(i + 1);
            long before = ifdOffsets.get(i);
            if (now < before) {
                errors.add(i == 0
                        ? "The offset of the IFD for overview of index 0 is " + now + ", whereas it should be greater "
                                + "than the one of the main image, which is at byte " + before
                        : "The offset of the IFD for overview of index " + i + " is " + now + ", whereas it should be "
                                + "greater than the one of index " + (i - 1) + ", which is at byte " + before);
            }
        }

        List<Long> dataOffsets = new ArrayList<>();
        dataOffsets.add(firstBlockOffset(main));
        for (int i = 0; i < ovrCount; i++) {
            dataOffsets.add(firstBlockOffset(main.GetOverview(i)));
        }
        long lastData = dataOffsets.get(dataOffsets.size() - 1);
        if (lastData != 0 && lastData < ifdOffsets.get(ifdOffsets.size() - 1)) {
            errors.add(ovrCount > 0 ? "The offset of the first block of the smallest overview should be after its IFD"
                    : "The offset of the first block of the image should be after its IFD");
        }
        for (int i = dataOffsets.size() - 2; i > 0; i--) {
            if (dataOffsets.get(i) != 0 && dataOffsets.get(i) < dataOffsets.get(i + 1)) {
                errors.add("The offset of the first block of overview of index " + (i - 1) + " should be after the "
                        + "one of the overview of index " + i);
            }
        }
        if (dataOffsets.size() >= 2 && dataOffsets.get(0) != 0 && dataOffsets.get(0) < dataOffsets.get(1)) {
            errors.add("The offset of the first block of the main resolution image should be after the one of the "
                    + "overview of index " + (ovrCount - 1));
        }

        if (layout.any()) {
            boolean externalMask = files.contains(filename + ".msk");
            checkBlocks(f, "Main resolution image", main, errors, layout, layout.maskInterleaved);
            if (main.GetMaskFlags() == gdalconst.GMF_PER_DATASET && !externalMask) {
                checkBlocks(f, "Mask band of main resolution image", main.GetMaskBand(), errors, layout, false);
            }
            for (int i = 0; i < ovrCount; i++) {
                Band ovr = main.GetOverview(i);
                checkBlocks(f, "Overview " + i, ovr, errors, layout, layout.maskInterleaved);
                if (ovr.GetMaskFlags() == gdalconst.GMF_PER_DATASET && !externalMask) {
                    checkBlocks(f, "Mask band of overview " + i, ovr.GetMaskBand(), errors, layout, false);
                }
            }
        }
    }

    /** What GDAL's structural metadata declares. */
    private static final class Layout {
        boolean rowMajor;
        boolean leaderSize;
        boolean trailerRepeated;
        boolean maskInterleaved;

        boolean any() {
            return rowMajor || leaderSize || trailerRepeated || maskInterleaved;
        }
    }

    private static void checkBlocks(RandomAccessFile f, String name, Band band, List<String> errors, Layout layout,
                                    boolean maskInterleaved) throws IOException {
        Band mask = null;
        if (maskInterleaved) {
            mask = band.GetMaskBand();
            if (mask.GetBlockXSize() != band.GetBlockXSize() || mask.GetBlockYSize() != band.GetBlockYSize()) {
                errors.add(name + ": mask block size is different from its imagery band");
                mask = null;
            }
        }
        int bw = band.GetBlockXSize();
        int bh = band.GetBlockYSize();
        int yBlocks = (band.getYSize() + bh - 1) / bh;
        int xBlocks = (band.getXSize() + bw - 1) / bw;
        long lastOffset = 0;
        byte[] four = new byte[4];
        byte[] eight = new byte[8];
        for (int y = 0; y < yBlocks; y++) {
            for (int x = 0; x < xBlocks; x++) {
                long offset = tiffItem(band, "BLOCK_OFFSET_" + x + "_" + y);
                long count = tiffItem(band, "BLOCK_SIZE_" + x + "_" + y);
                if (offset > 0) {
                    if (layout.rowMajor && offset < lastOffset) {
                        errors.add(name + ": offset of block (" + x + ", " + y + ") is smaller than previous block");
                    }
                    if (layout.leaderSize) {
                        f.seek(offset - 4);
                        f.readFully(four);
                        long leader = (four[0] & 0xFFL) | (four[1] & 0xFFL) << 8 | (four[2] & 0xFFL) << 16
                                | (four[3] & 0xFFL) << 24;
                        if (leader != count) {
                            errors.add(name + ": for block (" + x + ", " + y + "), size in leader bytes is " + leader
                                    + " instead of " + count);
                        }
                    }
                    if (layout.trailerRepeated && count >= 4) {
                        f.seek(offset + count - 4);
                        int n = f.read(eight);
                        if (n < 8 || eight[0] != eight[4] || eight[1] != eight[5] || eight[2] != eight[6]
                                || eight[3] != eight[7]) {
                            errors.add(name + ": for block (" + x + ", " + y + "), trailer bytes are invalid");
                        }
                    }
                }
                if (mask != null) {
                    long maskOffset = tiffItem(mask, "BLOCK_OFFSET_" + x + "_" + y);
                    if (offset > 0 && maskOffset > 0) {
                        long expected = offset + count + (layout.leaderSize ? 4 : 0) + (layout.trailerRepeated ? 4 : 0);
                        if (maskOffset != expected) {
                            errors.add("Mask of " + name + ": for block (" + x + ", " + y + "), offset is "
                                    + maskOffset + ", whereas " + expected + " was expected");
                        }
                    } else if (offset == 0 && maskOffset > 0) {
                        if (layout.rowMajor && maskOffset < lastOffset) {
                            errors.add("Mask of " + name + ": offset of block (" + x + ", " + y + ") is smaller than "
                                    + "previous block");
                        }
                        offset = maskOffset;
                    }
                }
                lastOffset = offset;
            }
        }
    }

    private static long firstBlockOffset(Band band) {
        int bw = band.GetBlockXSize();
        int bh = band.GetBlockYSize();
        for (int y = 0; y < (band.getYSize() + bh - 1) / bh; y++) {
            for (int x = 0; x < (band.getXSize() + bw - 1) / bw; x++) {
                String o = band.GetMetadataItem("BLOCK_OFFSET_" + x + "_" + y, "TIFF");
                if (o != null && !o.isEmpty()) {
                    return Long.parseLong(o);
                }
            }
        }
        return 0;
    }

    private static long tiffItem(Band band, String name) {
        String v = band.GetMetadataItem(name, "TIFF");
        return v == null || v.isEmpty() ? 0 : Long.parseLong(v);
    }

    private static String readLatin1(RandomAccessFile f, long at, int n) throws IOException {
        if (at >= f.length()) {
            return "";
        }
        byte[] b = new byte[(int) Math.min(n, f.length() - at)];
        f.seek(at);
        f.readFully(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @SuppressWarnings("unchecked")
    private static List<String> fileList(Dataset ds) {
        Vector<String> v = ds.GetFileList();
        return v == null ? List.of() : List.copyOf(v);
    }
}
