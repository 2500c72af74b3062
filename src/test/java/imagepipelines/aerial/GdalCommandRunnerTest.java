package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GdalCommandRunnerTest {

    @TempDir
    Path tmp;

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

    /**
     * Fault scenario 6 (docs/reliability.md): an aerial worker SIGKILLed while gdalwarp ran left gdalwarp running on
     * alone (no time limit any more), writing into a scratch folder nobody cleans up.
     */
    @Test
    void aProgramEndsWithItsJvmWhenTheJvmIsKilledInsteadOfRunningOnAlone() throws Exception {
        try (KilledRunner r = KilledRunner.start(tmp)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (r.program.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(!r.program.isAlive(), "the program ended with the JVM that started it");
        }
    }

    /** Fault scenario 6: each SIGKILL of a worker during a GDAL command left its gdal-cmd-*.out/.err in /tmp. */
    @Test
    void aJvmKilledWhileAProgramRunsLeavesNoOutputFilesInTheTemporaryFolder() throws Exception {
        try (KilledRunner r = KilledRunner.start(tmp)) {
            try (Stream<Path> left = Files.list(tmp.resolve("java-tmp"))) {
                assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith("gdal-cmd-")).toList());
            }
        }
    }

    /** A JVM running {@code sleep} through a GdalCommandRunner, SIGKILLed while the program runs. */
    private record KilledRunner(Process jvm, ProcessHandle program) implements AutoCloseable {

        static KilledRunner start(Path dir) throws Exception {
            Path javaTmp = Files.createDirectories(dir.resolve("java-tmp"));
            Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.io.tmpdir=" + javaTmp, "-cp", System.getProperty("java.class.path"),
                    InChildJvm.class.getName(), "sleep", "61.25").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("child.log").toFile()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Optional<ProcessHandle> program = Optional.empty();
            while (program.isEmpty() && System.nanoTime() < deadline && jvm.isAlive()) {
                program = jvm.descendants().filter(p -> p.info().command().map(c -> c.endsWith("/sleep"))
                        .orElse(false)).findFirst();
                Thread.sleep(20);
            }
            assertTrue(program.isPresent(), "the child JVM started sleep: " + Files.readString(dir.resolve("child.log")));
            Thread.sleep(500);
            jvm.destroyForcibly();
            jvm.waitFor(30, TimeUnit.SECONDS);
            return new KilledRunner(jvm, program.get());
        }

        @Override
        public void close() {
            program.destroyForcibly();
        }
    }

    /** The child JVM: runs its arguments as one command through a GdalCommandRunner. */
    static final class InChildJvm {
        public static void main(String[] args) {
            new GdalCommandRunner().run(List.of(args));
        }
    }
}
