package imagepipelines.ingest;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Animl API accepts our {@code x-api-key}. A refused key (the gateway's 401/403, or the API's own key
 * lookup failing) is an outage of ours, not a fault of the image: the calls are retried and the uploads stay where
 * they are, while this readiness check is DOWN with the reason (so an orchestrator stops routing work here and
 * someone is told), the condition is logged at most once a minute, and each refusal is counted in
 * {@code animl_api_rejected_key_total}. The next accepted call makes it UP again. The key itself is never seen here.
 */
public final class AnimlApiKeyHealth extends AbstractHealthCheck implements io.micrometer.core.instrument.binder.MeterBinder {

    static final String COUNTER = "animl_api_rejected_key";
    private static final Logger LOG = LoggerFactory.getLogger(AnimlApiKeyHealth.class);

    private final long logEveryMillis;
    private final Clock clock;
    private final AtomicReference<Refusal> refusal = new AtomicReference<>();
    private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE / 2);
    private final AtomicLong refusals = new AtomicLong();
    private volatile Counter counter;

    private record Refusal(Instant since, String reason) { }

    public AnimlApiKeyHealth() {
        this(60_000, Clock.systemUTC());
    }

    AnimlApiKeyHealth(long logEveryMillis, Clock clock) {
        super("image-pipelines", "animl-api-key");
        this.logEveryMillis = logEveryMillis;
        this.clock = clock;
    }

    /** Readiness only: a refused key is no reason to restart the process. */
    @Override
    public boolean isLiveness() {
        return false;
    }

    /** The API refused our key; {@code reason} says how (status and message, never the key). */
    public void rejected(String reason) {
        Instant now = clock.instant();
        refusal.updateAndGet(r -> r == null ? new Refusal(now, reason) : new Refusal(r.since(), reason));
        refusals.incrementAndGet();
        Counter c = counter();
        if (c != null) {
            c.increment();
        }
        long last = lastLogged.get();
        if (now.toEpochMilli() - last >= logEveryMillis && lastLogged.compareAndSet(last, now.toEpochMilli())) {
            LOG.error("The Animl API does not accept our API key ({}). Uploads stay in the ingestion bucket and are"
                    + " retried; set ANIML_API_SECRET (animl.api.secret) to the key of the API's /internal route."
                    + " {} refusals so far.", reason, refusals.get());
        }
    }

    /** A call went through: the key is accepted (again). */
    public void accepted() {
        Refusal was = refusal.getAndSet(null);
        if (was != null) {
            LOG.info("The Animl API accepts our API key again (it was refused since {})", was.since());
            lastLogged.set(Long.MIN_VALUE / 2);
        }
    }

    public boolean isRejected() {
        return refusal.get() != null;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Refusal r = refusal.get();
        if (r == null) {
            builder.up();
            return;
        }
        builder.down()
                .message("the Animl API refuses our API key since " + r.since() + ": " + r.reason()
                        + " (uploads are kept and retried; check ANIML_API_SECRET)")
                .detail("since", r.since().toString())
                .detail("refusals", refusals.get());
    }

    /** Registers the counter at start-up (PipelineMetrics binds it), so it reads 0 before any refusal. */
    @Override
    public void bindTo(MeterRegistry registry) {
        counter = Counter.builder(COUNTER)
                .description("Calls the Animl API answered by refusing our x-api-key (gateway 401/403, key lookup 5xx)")
                .register(registry);
    }

    private Counter counter() {
        Counter c = counter;
        CamelContext context = getCamelContext();
        if (c == null && context != null) {
            // the Prometheus registry camel-micrometer-prometheus binds as "metricsRegistry" (/observe/metrics)
            MeterRegistry registry = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
            if (registry == null) {
                registry = context.getRegistry().findSingleByType(MeterRegistry.class);
            }
            if (registry != null) {
                c = Counter.builder(COUNTER)
                        .description("Calls the Animl API answered by refusing our x-api-key (gateway 401/403, key lookup 5xx)")
                        .register(registry);
                counter = c;
            }
        }
        return c;
    }
}
