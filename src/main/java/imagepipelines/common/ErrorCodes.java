package imagepipelines.common;

import java.util.Locale;

/** An exception as an error code for metric tags: its class name, never its message (which may name keys). */
public final class ErrorCodes {

    private ErrorCodes() {
    }

    /** UPPER_SNAKE of the simple class name without "Exception": RasterRejectedException -> RASTER_REJECTED. */
    public static String of(Throwable e) {
        if (e == null) {
            return "UNKNOWN";
        }
        String n = e.getClass().getSimpleName().replaceFirst("Exception$", "");
        return n.isEmpty() ? "UNKNOWN" : n.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }
}
