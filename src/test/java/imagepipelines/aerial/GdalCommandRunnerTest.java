package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class GdalCommandRunnerTest {

    @Test
    void capturesOutputOfASuccessfulRun() {
        GdalCommandRunner.Result r = new GdalCommandRunner().run(List.of("gdalinfo", "--version"));
        assertEquals(0, r.exitCode());
        assertTrue(r.stdout().startsWith("GDAL 3.6"), r.stdout());
    }

    @Test
    void failureMessageCarriesGdalsErrorLines() {
        GdalCommandException e = assertThrows(GdalCommandException.class,
                () -> new GdalCommandRunner().run(List.of("gdalinfo", "/nonexistent/x.tif")));
        assertTrue(e.getMessage().startsWith("gdalinfo exited with code 1: ERROR 4: /nonexistent/x.tif"),
                e.getMessage());
    }

    @Test
    void hangingProcessIsKilledAtTheTimeout() {
        GdalCommandRunner runner = new GdalCommandRunner(Duration.ofMillis(500), Map.of());
        long start = System.nanoTime();
        GdalCommandException e = assertThrows(GdalCommandException.class,
                () -> runner.run(List.of("sh", "-c", "echo working >&2; sleep 30")));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 15);
        assertTrue(e.getMessage().contains("did not finish within 0.5 s") && e.getMessage().contains("working"),
                e.getMessage());
    }

    @Test
    void missingProgramIsNamed() {
        GdalCommandException e = assertThrows(GdalCommandException.class,
                () -> new GdalCommandRunner().run(List.of("gdal_no_such_program")));
        assertTrue(e.getMessage().contains("could not be started") && e.getMessage().contains("gdal-bin"),
                e.getMessage());
    }

    @Test
    void environmentIsPassed() {
        GdalCommandRunner.Result r = new GdalCommandRunner(Duration.ofSeconds(10), Map.of("X_TEST", "42"))
                .run(List.of("sh", "-c", "echo $X_TEST"));
        assertEquals("42", r.stdout().strip());
    }
}
