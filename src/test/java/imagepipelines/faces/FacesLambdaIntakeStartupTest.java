package imagepipelines.faces;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Lambda intake has no unsigned mode: enabled without access keys, the application does not start. */
class FacesLambdaIntakeStartupTest {

    @TempDir
    Path dir;

    @Test
    void lambdaIntakeWithoutAccessKeysStopsStartUpNamingTheVariable() {
        Exception e = assertThrows(Exception.class, () -> {
            try (TestPipelines p = TestPipelines.start(dir, Map.of("pipelines.workflows", "faces",
                    "faces.allowed-hosts", "127.0.0.1", "faces.warm-up-rounds", "1",
                    "faces.intake.lambda.access-key", ""))) {
                // not reached
            }
        });
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append('\n');
        }
        assertTrue(chain.toString().contains("FACES_INTAKE_LAMBDA_ACCESS_KEY"), chain.toString());
    }
}
