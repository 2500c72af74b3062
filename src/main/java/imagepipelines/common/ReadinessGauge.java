package imagepipelines.common;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * {@code pipelines_ready}: 1 while every readiness check of /observe/health/ready is UP, else 0 (e.g. the Animl API
 * refusing our key, a consumer that cannot reach its queue). Health is not a metric in Camel, so an alert rule needs
 * this to see "readiness down" from the scrape; it runs the checks at each scrape.
 */
final class ReadinessGauge {

    private ReadinessGauge() {
    }

    static void register(CamelContext context, MeterRegistry registry) {
        Gauge.builder("pipelines.ready", context, ReadinessGauge::ready)
                .description("1 while every readiness check is UP, else 0").register(registry);
    }

    static double ready(CamelContext context) {
        try {
            return HealthCheckHelper.invokeReadiness(context).stream()
                    .allMatch(r -> r.getState() == HealthCheck.State.UP) ? 1 : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
