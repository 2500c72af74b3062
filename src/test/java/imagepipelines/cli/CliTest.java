package imagepipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * bin/image-pipelines's dispatch (picocli): {@code help} lists every subcommand the launcher documents, and usage
 * errors exit 2 as the hand-written argument loops did, before anything is started or sent.
 */
class CliTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Run(Cli.execute(args), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void helpListsEveryCommandOfTheLauncher() {
        for (String help : List.of("help", "-h", "--help")) {
            Run r = run(help);
            assertEquals(0, r.code(), r.err());
            for (String cmd : List.of("run", "demo", "local-stack", "metadata", "maintenance", "routes", "redrive-batch",
                    "cog", "faces", "benchmark-faces", "benchmark-ingest", "benchmark-bulk", "benchmark-aerial")) {
                assertTrue(r.out().contains("\n  " + cmd + " "), cmd + " missing from:\n" + r.out());
            }
        }
        Run cog = run("help", "cog");
        assertEquals(0, cog.code());
        assertTrue(cog.out().contains("--resampling"), cog.out());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("no-such-command").code());
        assertEquals(2, run("cog", "only-one.tif").code());
        Run mode = run("cog", "--mode", "rgb", "a.tif", "b.tif");
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("--mode must be bw or nc"), mode.err());
        assertEquals(2, run("metadata").code());
        assertEquals(2, run("maintenance").code());
        Run action = run("maintenance", "sideways");
        assertEquals(2, action.code());
        assertTrue(action.err().contains("unknown maintenance action: sideways"), action.err());
        assertEquals(2, run("routes", "stop").code());
        assertEquals(2, run("routes", "jump", "x").code());
        assertEquals(2, run("redrive-batch").code());
        assertEquals(2, run("faces").code());
        assertEquals(2, run("faces", "--distance", "a.jpg").code());
        assertEquals(2, run("local-stack", "--s3-prot", "1").code());
        assertEquals(2, run("benchmark-ingest", "1", "2", "3").code());
    }
}
