package imagepipelines.aerial;

import java.util.Map;

/**
 * Environment for the GDAL programs that warp and write COGs ({@code aerial.gdal.tuning}, on by default): two
 * settings that cut the system time of {@code gdalwarp} and {@code gdal_translate -of COG} without changing a byte
 * of their output (the timings: docs/aerial.md, "Benchmark").
 * <ul>
 *   <li>{@code GTIFF_VIRTUAL_MEM_IO=IF_ENOUGH_RAM}: GDAL reads an <em>uncompressed</em> GeoTIFF (most scanned
 *       uploads, and our scratch file) through a memory map instead of copying every strip through {@code read()}.
 *       GDAL checks each block against the mapped size, so a truncated file is an error, not a crash; a file larger
 *       than the usable RAM, or a compressed one, is read the usual way.</li>
 *   <li>{@code GLIBC_TUNABLES}: glibc's allocator keeps the warp's and the COG driver's big work buffers
 *       (≤ 32 MB, the largest threshold glibc accepts) in its heap and does not hand freed memory back to the
 *       kernel while the program runs, so the same pages are not faulted in again chunk after chunk. The programs
 *       are short-lived, and their peak RSS does not grow.</li>
 * </ul>
 */
public final class GdalTuning {

    public static final Map<String, String> ENVIRONMENT = Map.of(
            "GTIFF_VIRTUAL_MEM_IO", "IF_ENOUGH_RAM",
            "GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967295"
                    + ":glibc.malloc.top_pad=268435456");

    private GdalTuning() {
    }

    /** {@link #ENVIRONMENT} when {@code enabled}, else nothing. */
    public static Map<String, String> environment(boolean enabled) {
        return enabled ? ENVIRONMENT : Map.of();
    }
}
