package imagepipelines.local.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FaultsCliCommandTest {

    /**
     * docs/reliability.md documents {@code faults 1 2 --scale full --dir DIR}; since the command moved behind picocli
     * it answered "Unknown option: '--dir'" (and '--scale').
     */
    @Test
    void theFaultsCommandTakesScaleAndDirAsDocumentedInsteadOfRefusingThemAsUnknownOptions() {
        FaultsCliCommand c = new FaultsCliCommand();
        new CommandLine(c).parseArgs("6", "7a", "--scale", "full", "--dir", "/tmp/faults-x");
        assertEquals(List.of("6", "7a"), c.args);
        assertEquals("full", c.scale);
        assertEquals("/tmp/faults-x", c.dir);
    }
}
