package imagepipelines.aerial;

import java.io.IOException;
import java.util.List;

/**
 * A GDAL program that failed because the scratch disk is full ("No space left on device", or GDAL's own "Free disk
 * space available is ..." check): the machine's fault, not the upload's. As an {@link IOException} it is retried and
 * then left for a later try (SQS delivers the event again) instead of an error record that would refuse these
 * bytes for good.
 */
public class ScratchFullException extends IOException {

    public ScratchFullException(List<String> command, String gdalErrors) {
        super("the scratch disk is full: " + command.get(0) + " failed with " + gdalErrors
                + "; the upload is left for a later try");
    }

    /** Whether GDAL's output says a write failed for lack of disk space. */
    static boolean in(String gdalOutput) {
        return gdalOutput.contains("No space left on device") || gdalOutput.contains("Free disk space available is");
    }
}
