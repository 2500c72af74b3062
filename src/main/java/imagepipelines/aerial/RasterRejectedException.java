package imagepipelines.aerial;

import java.nio.file.Path;

/**
 * An input raster the pipeline cannot process as it is (not a readable raster, truncated, no CRS, a band
 * layout or data type the collection cannot take). Retrying will not help: a person has to fix the file.
 */
public class RasterRejectedException extends RuntimeException {

    private final transient Path file;

    public RasterRejectedException(Path file, String reason) {
        this(file, reason, null);
    }

    public RasterRejectedException(Path file, String reason, Throwable cause) {
        super((file == null ? "raster" : file.getFileName().toString()) + ": " + reason, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
