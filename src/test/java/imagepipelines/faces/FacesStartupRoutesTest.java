package imagepipelines.faces;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import imagepipelines.testsupport.TestPipelines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without models the faces workflow does not start, and says which script fetches them. */
class FacesStartupRoutesTest {

    @TempDir
    Path dir;

    @Test
    void missingModelsFailStartUpNamingTheFetchScript() {
        Exception e = assertThrows(Exception.class, () -> {
            try (TestPipelines p = TestPipelines.start(dir, Map.of("pipelines.workflows", "faces",
                    "faces.model-dir", dir.resolve("no-models").toString(), "faces.allowed-hosts", "127.0.0.1"))) {
                // not reached
            }
        });
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append('\n');
        }
        assertTrue(chain.toString().contains("bin/fetch-face-models"), chain.toString());
        assertTrue(chain.toString().contains("no-models"), chain.toString());
    }

    /** Issue 10 (production config): the faces workflow on with no faces.allowed-hosts refuses to start. */
    @Test
    void emptyAllowedHostsFailStartUpNamingTheKeyAndVariable() {
        Exception e = assertThrows(Exception.class, () -> {
            try (TestPipelines p = TestPipelines.start(dir, Map.of("pipelines.workflows", "faces",
                    "faces.allowed-hosts", ""))) {
                // not reached
            }
        });
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append('\n');
        }
        assertTrue(chain.toString().contains("faces.allowed-hosts is empty"), chain.toString());
        assertTrue(chain.toString().contains("FACES_ALLOWED_HOSTS"), chain.toString());
    }
}
