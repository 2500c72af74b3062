package imagepipelines.aerial;

import org.gdal.gdal.gdal;
import org.gdal.ogr.ogr;
import org.gdal.osr.osr;

/**
 * Loads the GDAL JNI library ({@code libgdalalljni.so}) once per JVM and registers all drivers.
 *
 * <p>The Java classes come from Maven ({@code org.gdal:gdal:3.6.0}); the native library is built by
 * {@code bin/setup-gdal-jni} from Debian's GDAL 3.6.2 source and found through {@code java.library.path}.
 * When it is missing, {@link #ensureLoaded()} throws at once with a message that says how to fix it,
 * instead of the bindings' own "Native library load failed" on stderr followed by obscure link errors.
 */
public final class GdalRuntime {

    /** Name passed to {@link System#loadLibrary(String)}, the same one the bindings use. */
    public static final String LIBRARY = "gdalalljni";

    private static volatile boolean loaded;
    private static IllegalStateException failure;

    private GdalRuntime() {
    }

    /** Loads and initialises GDAL/OGR/OSR with exceptions enabled; idempotent and thread-safe. */
    public static void ensureLoaded() {
        if (loaded) {
            return;
        }
        synchronized (GdalRuntime.class) {
            if (loaded) {
                return;
            }
            if (failure != null) {
                throw failure;
            }
            try {
                // Load it ourselves first: the bindings' static initialiser swallows the error.
                System.loadLibrary(LIBRARY);
            } catch (UnsatisfiedLinkError e) {
                failure = new IllegalStateException("GDAL Java bindings unavailable: lib" + LIBRARY
                        + ".so could not be loaded from java.library.path="
                        + System.getProperty("java.library.path") + " (" + e.getMessage() + "). "
                        + "Run bin/setup-gdal-jni (installs GDAL and builds the library into "
                        + "/opt/image-pipelines/lib, or $GDAL_JNI_DIR) and start the JVM with "
                        + "-Djava.library.path=<that directory>.", e);
                throw failure;
            }
            try {
                gdal.AllRegister();
                ogr.RegisterAll();
                gdal.UseExceptions();
                ogr.UseExceptions();
                osr.UseExceptions();
            } catch (UnsatisfiedLinkError e) {
                failure = new IllegalStateException("lib" + LIBRARY + ".so was found but does not match the "
                        + "org.gdal:gdal jar on the class path (jar and library must share a GDAL minor "
                        + "version); rebuild it with GDAL_JNI_FORCE=1 bin/setup-gdal-jni: " + e.getMessage(), e);
                throw failure;
            }
            loaded = true;
        }
    }

    /** GDAL release string, e.g. {@code 3.6.2}. */
    public static String gdalVersion() {
        ensureLoaded();
        return gdal.VersionInfo("RELEASE_NAME");
    }
}
