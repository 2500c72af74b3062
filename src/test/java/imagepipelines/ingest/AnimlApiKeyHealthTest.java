package imagepipelines.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A refused key is logged at most once a minute however many calls are refused, and readiness follows it. */
class AnimlApiKeyHealthTest {

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-12-05T12:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void aRefusedKeyIsLoggedOnceAMinuteAndReadinessFollowsIt() throws Exception {
        MutableClock clock = new MutableClock();
        AnimlApiKeyHealth health = new AnimlApiKeyHealth(60_000, clock);
        health.setCamelContext(new DefaultCamelContext());
        Logger logger = (Logger) LoggerFactory.getLogger(AnimlApiKeyHealth.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            assertEquals(HealthCheck.State.UP, health.call().getState());
            assertFalse(health.isLiveness(), "readiness only");
            for (int i = 0; i < 50; i++) {
                health.rejected("the API gateway answered HTTP 403 {\"message\":\"Forbidden\"}");
                clock.now = clock.now.plus(Duration.ofSeconds(1));
            }
            assertEquals(1, logged.list.size(), "50 refusals in 50 s");
            HealthCheck.Result down = health.call(Map.of());
            assertEquals(HealthCheck.State.DOWN, down.getState());
            assertTrue(down.getMessage().orElse("").contains("HTTP 403"), down.getMessage().toString());
            assertTrue(down.getMessage().orElse("").contains("ANIML_API_SECRET"));

            clock.now = clock.now.plus(Duration.ofSeconds(11));
            health.rejected("the API gateway answered HTTP 403");
            assertEquals(2, logged.list.size(), "a minute later it is said again");

            health.accepted();
            assertEquals(HealthCheck.State.UP, health.call().getState());
            assertTrue(logged.list.get(2).getFormattedMessage().contains("accepts our API key again"));
        } finally {
            logger.detachAppender(logged);
        }
    }
}
