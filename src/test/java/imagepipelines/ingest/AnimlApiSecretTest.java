package imagepipelines.ingest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import imagepipelines.PipelinesApp;
import imagepipelines.common.Settings;
import org.junit.jupiter.api.Test;

/** The dev and prod profiles refuse to start the ingest with an empty animl.api.secret and name the variable. */
class AnimlApiSecretTest {

    @Test
    void theProdProfileRefusesToStartWithoutTheApiSecret() {
        Exception e = assertThrows(IllegalStateException.class,
                () -> PipelinesApp.start(new Settings("prod"), Map.of("animl.api.secret", ""), null).close());
        assertTrue(e.getMessage().contains("ANIML_API_SECRET"), e.getMessage());
        assertTrue(e.getMessage().contains("prod"), e.getMessage());
    }

    @Test
    void devRequiresItTooLocalDoesNotAndOtherWorkflowsDoNot() {
        assertThrows(IllegalStateException.class,
                () -> AnimlApiSecret.require(new Settings("dev"), Map.of("animl.api.secret", " "), "aerial,ingest"));
        assertDoesNotThrow(() -> AnimlApiSecret.require(new Settings("prod"), Map.of("animl.api.secret", "k"), "ingest"));
        assertDoesNotThrow(() -> AnimlApiSecret.require(new Settings("prod"), Map.of("animl.api.secret", ""), "aerial"));
        assertDoesNotThrow(() -> AnimlApiSecret.require(new Settings("local"), Map.of("animl.api.secret", ""), "ingest"));
    }
}
