package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.LoggingLevel;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecResult;
import org.junit.jupiter.api.Test;

/** GDAL's S3 settings: environment of the GDAL programs, keys never in toString or on a command line. */
class GdalS3AccessTest {

    @Test
    void localServerSettingsArePathStylePlainHttpWithKeys() {
        GdalS3Access a = new GdalS3Access("http://127.0.0.1:4567", "us-east-1", "AK", "SK-secret");
        Map<String, String> env = a.environment();
        assertEquals("127.0.0.1:4567", env.get("AWS_S3_ENDPOINT"));
        assertEquals("NO", env.get("AWS_HTTPS"));
        assertEquals("FALSE", env.get("AWS_VIRTUAL_HOSTING"));
        assertEquals("AK", env.get("AWS_ACCESS_KEY_ID"));
        assertEquals("SK-secret", env.get("AWS_SECRET_ACCESS_KEY"));
        assertEquals("us-east-1", env.get("AWS_REGION"));
        assertFalse(a.toString().contains("SK-secret"), a.toString());
        assertFalse(a.toString().contains("=AK"), a.toString());
    }

    @Test
    void realAwsLeavesCredentialsToGdal() {
        Map<String, String> env = new GdalS3Access("", "us-west-2", "", "").environment();
        assertFalse(env.containsKey("AWS_S3_ENDPOINT"));
        assertFalse(env.containsKey("AWS_ACCESS_KEY_ID"));
        assertEquals("us-west-2", env.get("AWS_REGION"));
    }

    @Test
    void theExecExecutorGivesTheSettingsAsEnvironment() throws Exception {
        GdalExecCommandExecutor ex = new GdalExecCommandExecutor(
                new GdalS3Access("http://127.0.0.1:4567", "us-east-1", "AK", "SK-secret"), 30);
        ExecCommand cmd = new ExecCommand("sh", List.of("-c", "printf '%s %s' \"$AWS_S3_ENDPOINT\" \"$AWS_SECRET_ACCESS_KEY\"; exit 3"),
                null, Long.MAX_VALUE, Set.of(), null, null, false, LoggingLevel.DEBUG);
        ExecResult r = ex.execute(cmd);
        assertEquals(3, r.getExitValue());
        assertEquals("127.0.0.1:4567 SK-secret", new String(r.getStdout().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(cmd.getArgs().stream().noneMatch(a -> a.contains("SK-secret")), "the key is only in the environment");
    }
}
