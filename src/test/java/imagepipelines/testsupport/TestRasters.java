package imagepipelines.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test rasters: the CC0 samples under {@code src/test/resources/geotiff/} and files derived from them with the
 * real GDAL programs (4-band, 16-bit, no CRS, truncated, not a TIFF).
 */
public final class TestRasters {

    public static final String BYTE_UTM11 = "byte-1band-utm11.tif";
    public static final String SHADE_3857 = "shade-1band-3857.tif";
    public static final String RGB_UTM18 = "rgb-3band-utm18.tif";
    public static final List<String> SAMPLES = List.of(BYTE_UTM11, SHADE_3857, RGB_UTM18);

    private TestRasters() {
    }

    /** Copies a sample into {@code dir} and returns its path. */
    public static Path sample(Path dir, String name) {
        Path target = dir.resolve(name);
        try (InputStream in = TestRasters.class.getResourceAsStream("/geotiff/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test raster " + name);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** RGB sample plus a 4th band marked alpha (opaque where the image has data). */
    public static Path rgbaUtm18(Path dir) {
        Path rgb = sample(dir, RGB_UTM18);
        Path out = dir.resolve("rgba-4band-utm18.tif");
        run("gdal_translate", "-q", "-b", "1", "-b", "2", "-b", "3", "-b", "1", "-colorinterp_4", "alpha",
                "-a_nodata", "none", "-co", "ALPHA=YES", rgb.toString(), out.toString());
        return out;
    }

    /** RGB sample with a 4th band that is not alpha (e.g. near infrared). */
    public static Path fourBandNoAlphaUtm18(Path dir) {
        Path rgb = sample(dir, RGB_UTM18);
        Path out = dir.resolve("rgbn-4band-utm18.tif");
        run("gdal_translate", "-q", "-b", "1", "-b", "2", "-b", "3", "-b", "2", "-colorinterp_4", "undefined",
                rgb.toString(), out.toString());
        return out;
    }

    /** A sample converted to UInt16 (values x 257, i.e. the full 16-bit range). */
    public static Path uint16(Path dir, String sampleName) {
        Path src = sample(dir, sampleName);
        Path out = dir.resolve(sampleName.replace(".tif", "-uint16.tif"));
        run("gdal_translate", "-q", "-ot", "UInt16", "-scale", "0", "255", "0", "65535", "-a_nodata", "none",
                src.toString(), out.toString());
        return out;
    }

    /** A plain TIFF with pixels but no georeferencing at all. */
    public static Path withoutCrs(Path dir) {
        Path src = sample(dir, BYTE_UTM11);
        Path out = dir.resolve("no-crs.tif");
        run("gdal_translate", "-q", "-co", "PROFILE=BASELINE", src.toString(), out.toString());
        // PROFILE=BASELINE may leave a .aux.xml with the CRS beside the file: remove it
        try {
            Files.deleteIfExists(dir.resolve("no-crs.tif.aux.xml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The hillshade with nodata 256 written into its GDAL_NODATA tag (what the original did to bw COGs). */
    public static Path nodata256(Path dir) {
        Path out = dir.resolve("nodata-256.tif");
        try {
            Files.copy(sample(dir, SHADE_3857), out, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run("/usr/bin/python3", "-m", "osgeo_utils.gdal_edit", "-a_nodata", "256", out.toString());
        return out;
    }

    /** A file named .tif that holds text. */
    public static Path notATiff(Path dir) {
        Path out = dir.resolve("not-a-tiff.tif");
        try {
            Files.writeString(out, "<html><body>403 Forbidden</body></html>\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The RGB sample rewritten by GDAL (header and IFD first, then uncompressed strips) and cut to the first
     * {@code fraction} of its bytes: it still opens, and fails when pixels past the cut are read. An upload cut
     * off by a network failure looks like this.
     */
    public static Path truncated(Path dir, double fraction) {
        Path src = dir.resolve("ifd-first.tif");
        run("gdal_translate", "-q", sample(dir, RGB_UTM18).toString(), src.toString());
        return cut(src, dir.resolve("truncated.tif"), fraction);
    }

    /** The RGB sample as published (its IFD is at the end of the file) cut to {@code fraction}: it does not open. */
    public static Path truncatedBeforeIfd(Path dir, double fraction) {
        return cut(sample(dir, RGB_UTM18), dir.resolve("truncated-no-ifd.tif"), fraction);
    }

    /**
     * The RGB sample as DEFLATE tiles whose first tile's compressed bytes are overwritten: header, IFD and tile
     * offsets are intact (it opens and passes inspection), and GDAL fails when it decodes the pixels.
     */
    public static Path corruptTiles(Path dir) {
        Path out = dir.resolve("corrupt-tiles.tif");
        run("gdal_translate", "-q", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", sample(dir, RGB_UTM18).toString(),
                out.toString());
        imagepipelines.aerial.GdalRuntime.ensureLoaded();
        org.gdal.gdal.Dataset ds = org.gdal.gdal.gdal.Open(out.toString());
        long offset;
        int length;
        try {
            org.gdal.gdal.Band b = ds.GetRasterBand(1);
            offset = Long.parseLong(b.GetMetadataItem("BLOCK_OFFSET_0_0", "TIFF"));
            length = Integer.parseInt(b.GetMetadataItem("BLOCK_SIZE_0_0", "TIFF"));
        } finally {
            ds.delete();
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(out.toFile(), "rw")) {
            f.seek(offset + 2); // keep the zlib header, break the stream
            byte[] junk = new byte[length - 2];
            java.util.Arrays.fill(junk, (byte) 0xff);
            f.write(junk);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Path cut(Path src, Path out, double fraction) {
        try {
            byte[] all = Files.readAllBytes(src);
            byte[] part = java.util.Arrays.copyOf(all, (int) (all.length * fraction));
            Files.write(out, part);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Runs a program, failing the test with its output when it fails. */
    public static String run(String... command) {
        return run(List.of(command));
    }

    public static String run(List<String> command) {
        try {
            Path log = Files.createTempFile("test-cmd", ".log");
            try {
                Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("timed out: " + command);
                }
                String output = Files.readString(log);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): "
                            + output);
                }
                return output;
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
