package imagepipelines.common;

import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Business counters on the registry Camel serves at /observe/metrics ({@code pipelines_outcomes_total}): one count
 * each time a workflow's outcome stage finishes without error, tagged workflow, stage, outcome and error_code
 * (never ids or keys). Outcome stages are the direct: routes that record an upload's fate, so the routes themselves
 * stay unchanged.
 */
public final class PipelineMetrics extends EventNotifierSupport {

    public static final String NAME = "pipelines.outcomes";

    record Outcome(String workflow, String stage, String outcome) {
    }

    static final Map<String, Outcome> OUTCOMES = Map.of(
            "direct://ingest-store-outputs", new Outcome("ingest", "store-outputs", "stored"),
            "direct://ingest-dead-letter", new Outcome("ingest", "dead-letter", "dead_lettered"),
            "direct://ingest-park-upload", new Outcome("ingest", "park-upload", "parked"),
            "direct://aerial-store-cog", new Outcome("aerial", "store-cog", "cog_made"),
            "direct://aerial-error-record", new Outcome("aerial", "error-record", "error_record"),
            "direct://faces-post-encodings", new Outcome("faces", "post-encodings", "encodings_posted"));

    private final CamelContext context;
    private volatile MeterRegistry registry;

    public PipelineMetrics(CamelContext context) {
        this.context = context;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreStepEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeSentEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        CamelEvent.ExchangeSentEvent sent = (CamelEvent.ExchangeSentEvent) event;
        Outcome o = OUTCOMES.get(sent.getEndpoint().getEndpointUri());
        Exchange ex = sent.getExchange();
        if (o == null || ex.isFailed()) {
            return;
        }
        String code = ex.getProperty("errorCode", String.class);
        // a repeat's serving objects checked on its way to the dead-letter bucket is not a stored image
        if (o.outcome().equals("stored") && code != null) {
            return;
        }
        MeterRegistry r = registry();
        if (r != null) {
            Counter.builder(NAME).description("uploads and requests by workflow outcome")
                    .tag("workflow", o.workflow()).tag("stage", o.stage()).tag("outcome", o.outcome())
                    .tag("error_code", code == null ? "none" : code).register(r).increment();
        }
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
