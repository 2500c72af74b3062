package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GdalRuntimeTest {

    @Test
    void loadsTheLibraryThatMatchesTheJar() {
        GdalRuntime.ensureLoaded();
        GdalRuntime.ensureLoaded();
        assertTrue(GdalRuntime.gdalVersion().startsWith("3.6."), GdalRuntime.gdalVersion());
    }

    /** Entry point of the child JVM below. */
    public static final class Probe {
        public static void main(String[] args) {
            try {
                GdalRuntime.ensureLoaded();
                System.out.println("LOADED");
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
            }
        }
    }

    @Test
    void missingLibraryFailsFastNamingTheSetupScript(@TempDir Path empty) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = empty.resolve("out.txt");
        Process p = new ProcessBuilder(List.of(java, "-Djava.library.path=" + empty, "-cp",
                System.getProperty("java.class.path"), Probe.class.getName()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        String out = Files.readString(log);
        assertTrue(out.contains("bin/setup-gdal-jni"), out);
        assertTrue(out.contains("libgdalalljni.so could not be loaded"), out);
    }
}
