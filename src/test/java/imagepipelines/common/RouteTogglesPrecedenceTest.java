package imagepipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Which toggle decides a route: its exact id, else the longest matching pattern, else its workflow. */
class RouteTogglesPrecedenceTest {

    static final Map<String, String> TOGGLES = Map.of("aerial", "stopped", "aerial-intake-*", "suspended",
            "aerial-intake-s3-*", "started", "faces-post-encodings", "stopped", "*-poll-bucket", "stopped");

    @Test
    void exactIdBeatsPatternBeatsWorkflow() {
        assertEquals(new RouteToggles.Match("aerial-intake-s3-*", "started", false),
                RouteToggles.desired(TOGGLES, "aerial-intake-s3-events", "aerial"));
        assertEquals(new RouteToggles.Match("aerial-intake-*", "suspended", false),
                RouteToggles.desired(TOGGLES, "aerial-intake-other", "aerial"));
        assertEquals(new RouteToggles.Match("aerial", "stopped", false),
                RouteToggles.desired(TOGGLES, "aerial-make-cog", "aerial"));
        assertEquals(new RouteToggles.Match("faces-post-encodings", "stopped", true),
                RouteToggles.desired(TOGGLES, "faces-post-encodings", "faces"));
        assertEquals("stopped", RouteToggles.desired(TOGGLES, "ingest-intake-poll-bucket", "ingest").state());
        assertNull(RouteToggles.desired(TOGGLES, "faces-download-image", "faces"));
        assertNull(RouteToggles.desired(TOGGLES, "aerialx", "other"), "a pattern matches the whole id only");
    }

    @Test
    void actionsAndMalformedTargets() {
        assertEquals("stopped", RouteToggles.stateOf("stop"));
        assertEquals("suspended", RouteToggles.stateOf("suspend"));
        assertEquals("started", RouteToggles.stateOf("start"));
        assertEquals("started", RouteToggles.stateOf("resume"));
        assertNull(RouteToggles.stateOf("explode"));
        assertNull(new RouteToggles(null, "b", "k").set("../x", "stop"), "rejected before any S3 call");
        assertNull(new RouteToggles(null, "b", "k").set("faces", "explode"));
    }
}
