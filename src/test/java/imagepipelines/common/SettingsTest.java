package imagepipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@link Settings#resolve}: placeholders resolved by Camel's properties component in the order the application gives
 * Camel (overrides, system property, environment, the profile's file, application.properties).
 */
class SettingsTest {

    @Test
    void nestedPlaceholdersComeFromTheProfilesFiles() {
        assertEquals("animl-images-ingestion-prod", new Settings("prod").resolve("{{ingest.bucket.ingestion}}", Map.of()));
        // application-local.properties: a list made of other keys
        String buckets = new Settings("local").resolve("{{pipelines.local.buckets}}", Map.of());
        assertTrue(buckets.startsWith("animl-images-ingestion-local,animl-images-serving-local,"), buckets);
    }

    @Test
    void overridesComeFirstThenSystemProperties() {
        Settings s = new Settings("prod");
        assertEquals("animl-images-ingestion-x", s.resolve("{{ingest.bucket.ingestion}}", Map.of("pipelines.stage", "x")));
        System.setProperty("pipelines.stage", "from-system");
        try {
            assertEquals("a animl-images-ingestion-from-system b", s.resolve("a {{ingest.bucket.ingestion}} b", Map.of()));
            assertEquals("animl-images-ingestion-y", s.resolve("{{ingest.bucket.ingestion}}", Map.of("pipelines.stage", "y")));
        } finally {
            System.clearProperty("pipelines.stage");
        }
    }

    @Test
    void defaultsApplyAndAMissingKeyIsAnError() {
        Settings s = new Settings("prod");
        assertEquals("fallback|", s.resolve("{{no.such.key:fallback}}|{{no.such.key:}}", Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.resolve("{{no.such.key}}", Map.of()));
        assertTrue(e.getMessage().contains("no.such.key"), e.getMessage());
    }
}
