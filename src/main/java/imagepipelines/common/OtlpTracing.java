package imagepipelines.common;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;

/**
 * OTLP/HTTP export of Camel's spans ({@code pipelines.tracing.otlp-endpoint}, off when empty). camel-opentelemetry2
 * (enabled by camel-observability-services) takes the {@link Tracer} it finds in the registry; without one it uses
 * the global no-op OpenTelemetry and nothing leaves the process. Each SQS message is one trace: the intake's span and
 * every {@code direct:} stage it calls, so one upload is one trace across its stages.
 */
public final class OtlpTracing implements AutoCloseable {

    private final SdkTracerProvider provider;

    private OtlpTracing(SdkTracerProvider provider) {
        this.provider = provider;
    }

    /** {@code endpoint}: the full OTLP/HTTP traces URL, e.g. {@code http://otel-collector:4318/v1/traces}. */
    public static OtlpTracing start(String endpoint, String serviceName, Duration exportDelay) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), serviceName))))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(exportDelay).build())
                .build();
        return new OtlpTracing(provider);
    }

    public Tracer tracer() {
        return provider.get("camel");
    }

    /** Sends the spans still buffered (on stop). */
    @Override
    public void close() {
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }
}
