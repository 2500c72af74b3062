package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import imagepipelines.testsupport.TestRasters;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tuning changes how GDAL reads and allocates, never what it writes; the executor passes it on. */
class GdalTuningTest {

    @TempDir
    Path dir;

    @Test
    void theTwoCommandsWriteTheSameBytesWithAndWithoutTheTuning() throws Exception {
        Path in = TestRasters.sample(dir, "rgb-3band-utm18.tif");
        RasterInfo info = new RasterInspector().inspect(in);
        byte[][] cogs = new byte[2][];
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("cog-" + i + ".tif");
            GdalCommandRunner runner = new GdalCommandRunner(GdalCommandRunner.DEFAULT_TIMEOUT,
                    GdalTuning.environment(i == 1));
            List<List<String>> commands = CogCommand.commands(info, BandMode.NC, in, dir.resolve("warped-" + i + ".tif"),
                    out, "near");
            assertEquals(2, commands.size(), "the sample is warped, then made a COG");
            commands.forEach(runner::run);
            cogs[i] = Files.readAllBytes(out);
        }
        assertTrue(cogs[0].length > 100_000);
        assertArrayEquals(cogs[0], cogs[1]);
    }

    @Test
    void theExecutorGivesTheProgramsTheTuningOnlyWhenAskedTo() throws Exception {
        GdalS3Access s3 = new GdalS3Access("http://127.0.0.1:9", "us-east-1", null, null);
        assertTrue(environmentSeenBy(new GdalExecCommandExecutor(s3, 30, true))
                .contains("GTIFF_VIRTUAL_MEM_IO=IF_ENOUGH_RAM"));
        String off = environmentSeenBy(new GdalExecCommandExecutor(s3, 30, false));
        assertFalse(off.contains("GTIFF_VIRTUAL_MEM_IO"), off);
        assertFalse(off.contains("glibc.malloc"), off);
        // the S3 settings are there either way
        assertTrue(off.contains("AWS_S3_ENDPOINT=127.0.0.1:9"), off);
    }

    private static String environmentSeenBy(GdalExecCommandExecutor executor) throws Exception {
        ExecCommand cmd = new ExecCommand("env", List.of(), null, 10_000L, null, null, null, false, null);
        ExecResult r = executor.execute(cmd);
        assertEquals(0, r.getExitValue());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.getStdout().transferTo(out);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
