package imagepipelines.common;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Endpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

// Handles Exchanges by nature: a Camel event notifier, it reads each finished exchange (route, endpoint, outcome).
/**
 * The business metrics on the registry Camel serves at /observe/metrics, taken from Camel's own events so the routes
 * and beans stay free of timing code:
 * <ul>
 * <li>{@code pipelines_outcomes_total{workflow,stage,outcome,error_code}}: what happened to uploads, entries and
 * requests ({@link Outcomes}: when a workflow's outcome stage finishes, or a route's exchange completes);</li>
 * <li>{@code pipelines_stage_seconds{workflow,stage,outcome}}: the time of every send to a workflow's
 * {@code direct:<workflow>-<stage>} route, and of every exchange of its intake routes (outcome ok or failed);</li>
 * <li>{@code pipelines_queue_message_age_seconds{queue}}: for each SQS message an intake takes, the time since it was
 * sent (its SentTimestamp): SQS itself tells no age of the oldest message (that is CloudWatch's
 * ApproximateAgeOfOldestMessage), so this is the honest measure from inside;</li>
 * <li>and, once Camel has started, every {@link MeterBinder} bean of the registry (exiftool pool, GDAL processes,
 * queue backlog, Animl key refusals) is bound, and {@code pipelines_ready} ({@link ReadinessGauge}) registered.</li>
 * </ul>
 * Tags never carry keys, ids or batch names.
 */
public final class PipelineMetrics extends EventNotifierSupport {

    public static final String NAME = "pipelines.outcomes";
    static final String STAGE_TIMER = "pipelines.stage";
    static final String AGE = "pipelines.queue.message.age";
    /** exchange property: the stage (route id without the workflow) where the exchange failed first */
    static final String FAILED_STAGE = "pipelinesFailedStage";
    private static final Pattern STAGE = Pattern.compile("direct://(ingest|aerial|faces)-([a-z0-9-]+)");
    private static final Pattern WORKFLOW_ROUTE = Pattern.compile("(ingest|aerial|faces)-([a-z0-9-]+)");

    /** a few histogram buckets (not Micrometer's ~70 per timer): enough for a p95 estimate per stage */
    private static final Duration[] BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2),
        Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofMinutes(30)};

    private final CamelContext context;
    private volatile MeterRegistry registry;

    public PipelineMetrics(CamelContext context) {
        this.context = context;
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeSentEvent || event instanceof CamelEvent.ExchangeCreatedEvent
                || event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent
                || event instanceof CamelEvent.CamelContextStartedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        MeterRegistry r = registry();
        if (r == null) {
            return;
        }
        if (event instanceof CamelEvent.ExchangeSentEvent sent) {
            sent(r, sent);
        } else if (event instanceof CamelEvent.ExchangeCreatedEvent created) {
            received(r, created.getExchange());
        } else if (event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent) {
            finished(r, ((CamelEvent.ExchangeEvent) event).getExchange());
        } else if (event instanceof CamelEvent.CamelContextStartedEvent) {
            ReadinessGauge.register(context, r);
            for (MeterBinder b : context.getRegistry().findByType(MeterBinder.class)) {
                // only ours: Camel binds its own (camel.metrics.binders)
                if (b.getClass().getName().startsWith("imagepipelines.")) {
                    b.bindTo(r);
                }
            }
        }
    }

    private static void sent(MeterRegistry r, CamelEvent.ExchangeSentEvent sent) {
        String uri = sent.getEndpoint().getEndpointUri();
        Exchange ex = sent.getExchange();
        Matcher m = STAGE.matcher(uri);
        if (!m.matches()) {
            return;
        }
        boolean failed = ex.getException() != null;
        stageTimer(r, m.group(1), m.group(2), failed).record(sent.getTimeTaken(), TimeUnit.MILLISECONDS);
        if (failed && ex.getProperty(FAILED_STAGE) == null) {
            // the innermost stage that failed (its send ends first): the error handler runs later, in an outer route
            ex.setProperty(FAILED_STAGE, m.group(2));
        }
        for (Outcomes.Count c : Outcomes.ofSend(uri, ex)) {
            count(r, c);
        }
    }

    /** A whole exchange of a workflow's route (its intakes: SQS, timers, HTTP) is done. */
    private static void finished(MeterRegistry r, Exchange ex) {
        String routeId = ex.getFromRouteId();
        if (routeId == null || isCopy(ex)) {
            return;
        }
        Matcher m = WORKFLOW_ROUTE.matcher(routeId);
        if (m.matches()) {
            stageTimer(r, m.group(1), m.group(2), ex.isFailed()).record(ex.getClock().elapsed(), TimeUnit.MILLISECONDS);
        }
        for (Outcomes.Count c : Outcomes.ofRoute(routeId, ex)) {
            count(r, c);
        }
    }

    /** A message taken from SQS: how long it waited since it was sent (the queue's SentTimestamp). */
    private static void received(MeterRegistry r, Exchange ex) {
        Endpoint from = ex.getFromEndpoint();
        if (!(from instanceof Sqs2Endpoint sqs) || isCopy(ex)) {
            return;
        }
        Long sentAt = sentTimestamp(ex.getIn().getHeader("CamelAwsSqsAttributes"));
        if (sentAt == null) {
            return;
        }
        long age = Math.max(0, System.currentTimeMillis() - sentAt);
        Timer.builder(AGE).description("time from sending to receiving, for each SQS message an intake takes")
                .tag("queue", sqs.getConfiguration().getQueueName()).register(r).record(age, TimeUnit.MILLISECONDS);
    }

    /** A split's or multicast's copy of an exchange: created and completed too, but no message or intake of its own. */
    private static boolean isCopy(Exchange ex) {
        return ex.getProperty(Exchange.CORRELATION_ID) != null;
    }

    static Long sentTimestamp(Object attributes) {
        if (!(attributes instanceof Map<?, ?> map)) {
            return null;
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            // keys are MessageSystemAttributeName (toString: "SentTimestamp") or strings, depending on the path
            if ("SentTimestamp".equals(String.valueOf(e.getKey())) && e.getValue() != null) {
                try {
                    return Long.parseLong(e.getValue().toString());
                } catch (NumberFormatException ignored) {
                    return null;
                }
            }
        }
        return null;
    }

    private static Timer stageTimer(MeterRegistry r, String workflow, String stage, boolean failed) {
        return Timer.builder(STAGE_TIMER).description("time per workflow stage (a direct: route) and per intake exchange")
                .serviceLevelObjectives(BUCKETS).tag("workflow", workflow).tag("stage", stage).tag("outcome", failed ? "failed" : "ok").register(r);
    }

    private static void count(MeterRegistry r, Outcomes.Count c) {
        Counter.builder(NAME).description("uploads, bulk entries, COGs and face sources by workflow outcome")
                .tag("workflow", c.workflow()).tag("stage", c.stage()).tag("outcome", c.outcome())
                .tag("error_code", c.errorCode()).register(r).increment(c.amount());
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            r = context.getRegistry().findSingleByType(MeterRegistry.class);
            registry = r;
        }
        return r;
    }
}
