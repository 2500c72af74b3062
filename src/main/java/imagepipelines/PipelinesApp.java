package imagepipelines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import imagepipelines.common.Settings;
import imagepipelines.common.TooLargeRequests;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * Starts Camel Main with the routes of the configured workflows ({@code pipelines.workflows}, e.g.
 * {@code ingest,faces,aerial}) so each workflow can be deployed and scaled on its own. In the {@code local} profile it
 * first starts the embedded S3, SQS and Animl API stand-in and points the routes at them.
 */
public final class PipelinesApp implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PipelinesApp.class);

    private final Main main;
    private final EmbeddedStack ownedStack;
    private final EmbeddedStack stack;

    private PipelinesApp(Main main, EmbeddedStack ownedStack, EmbeddedStack stack) {
        this.main = main;
        this.ownedStack = ownedStack;
        this.stack = stack;
    }

    /** Runs until the JVM is asked to stop (the {@code run} command). */
    public static void run() throws Exception {
        Settings settings = new Settings();
        try (PipelinesApp app = create(settings, Map.of(), null)) {
            app.main.run();
        }
    }

    /**
     * Starts without blocking (tests, the demo). With {@code stack} given, the routes use it; otherwise the
     * {@code local} profile starts its own.
     */
    public static PipelinesApp start(Settings settings, Map<String, String> overrides, EmbeddedStack stack) throws Exception {
        PipelinesApp app = create(settings, overrides, stack);
        try {
            app.main.start();
        } catch (Exception e) {
            // a failed start must not leave the embedded servers running: their threads kept the demo's JVM alive
            try {
                app.close();
            } catch (Exception c) {
                e.addSuppressed(c);
            }
            throw e;
        }
        return app;
    }

    private static PipelinesApp create(Settings settings, Map<String, String> overrides, EmbeddedStack given)
            throws Exception {
        imagepipelines.common.LogMdc.checkFormat(System.getProperty("pipelines.log.format"),
                System.getenv("PIPELINES_LOG_FORMAT"));
        Map<String, String> props = new LinkedHashMap<>();
        props.put("camel.main.profile", settings.profile());
        String workflows = overrides.getOrDefault("pipelines.workflows", settings.get("pipelines.workflows", "ingest"));
        // the shared clients first, then the shared routes, then each workflow: Camel loads the patterns in this
        // order, but the files of one pattern in the class path's order (another in the jar than in target/classes),
        // so a bean may name only beans of its own file or of routes/clients/ (BeanWiringOrderTest)
        List<String> patterns = new ArrayList<>(List.of("classpath:routes/clients/*.yaml", "classpath:routes/common/*.yaml"));
        for (String w : workflows.split(",")) {
            if (!w.isBlank()) {
                patterns.add("classpath:routes/" + w.trim() + "/*.yaml");
            }
        }
        props.put("camel.main.routes-include-pattern", String.join(",", patterns));

        EmbeddedStack owned = null;
        EmbeddedStack stack = given;
        if (stack == null && Boolean.parseBoolean(settings.get("pipelines.local.enabled", "false"))) {
            Path dataDir = Path.of(overrides.getOrDefault("pipelines.local.data-dir",
                    settings.get("pipelines.local.data-dir", ".local-data")));
            owned = EmbeddedStack.start(dataDir,
                    Integer.parseInt(settings.get("pipelines.local.s3-port", "0")),
                    Integer.parseInt(settings.get("pipelines.local.sqs-port", "0")),
                    Integer.parseInt(settings.get("pipelines.local.api-port", "0")));
            stack = owned;
        }
        // the environment (and -D) over every file, every profile: as override properties, which Camel applies
        // before it configures anything (the HTTP server included); then the embedded stack's endpoints, then the
        // caller's own overrides (tests, the demo)
        Map<String, String> fromEnv = settings.fromEnvironment();
        if (!fromEnv.isEmpty()) {
            LOG.info("settings from the environment or system properties: {}", String.join(", ", fromEnv.keySet()));
        }
        props.putAll(fromEnv);
        if (stack != null) {
            props.putAll(stack.properties());
        }
        props.putAll(overrides);
        imagepipelines.ingest.AnimlApiSecret.require(settings, props, workflows);
        imagepipelines.common.OperatorSecret.prepare(settings, props, workflows);

        if (stack != null) {
            provision(settings, props, stack);
        }
        Main main = new Main();
        // the profile picks application-{profile}.properties, which Camel reads before any override
        main.configure().withProfile(settings.profile());
        props.forEach(main::addOverrideProperty);
        // traces: camel-opentelemetry2 uses the Tracer it finds in the registry (none: no export)
        String otlp = settings.resolve("{{pipelines.tracing.otlp-endpoint:}}", props).trim();
        imagepipelines.common.OtlpTracing tracing = null;
        if (!otlp.isEmpty()) {
            tracing = imagepipelines.common.OtlpTracing.start(otlp, "image-pipelines-" + workflows.replace(',', '-'),
                    java.time.Duration.ofMillis(Long.parseLong(settings.resolve(
                            "{{pipelines.tracing.export-delay-ms:5000}}", props).trim())));
            main.bind("pipelinesOtlpTracer", tracing.tracer());
            LOG.info("traces: Camel's spans exported over OTLP/HTTP to {}", otlp);
        }
        imagepipelines.common.OtlpTracing otlpTracing = tracing;
        main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
            @Override
            public void beforeConfigure(org.apache.camel.main.BaseMainSupport configuring) {
                // image key, batch id, image id, request id in the MDC of each log line (JSON logs)
                imagepipelines.common.LogMdc.install(configuring.getCamelContext());
            }

            @Override
            public void afterConfigure(org.apache.camel.main.BaseMainSupport configured) {
                CamelContext context = configured.getCamelContext();
                context.getManagementStrategy().addEventNotifier(new imagepipelines.common.PipelineMetrics(context));
                // routes toggled stopped or suspended (S3 control object) stay off from the start
                context.getManagementStrategy().addEventNotifier(new imagepipelines.common.RouteTogglesAtStartup(context));
                // once the HTTP server runs: a body over its limit is a WARN with detail, not Vert.x's bare ERROR
                context.getManagementStrategy().addEventNotifier(new org.apache.camel.support.SimpleEventNotifierSupport() {
                    @Override
                    public boolean isEnabled(org.apache.camel.spi.CamelEvent event) {
                        return event instanceof org.apache.camel.spi.CamelEvent.CamelContextStartedEvent;
                    }

                    @Override
                    public void notify(org.apache.camel.spi.CamelEvent event) {
                        TooLargeRequests.install(context);
                    }
                });
            }

            @Override
            public void beforeStop(org.apache.camel.main.BaseMainSupport m) {
                // SIGTERM: messages not finished within the shutdown timeout go back to the queue at once
                imagepipelines.common.SqsReleaseOnShutdown.arm(m.getCamelContext());
            }

            @Override
            public void afterStop(org.apache.camel.main.BaseMainSupport m) {
                if (otlpTracing != null) {
                    otlpTracing.close(); // the last spans
                }
            }
        });
        return new PipelinesApp(main, owned, stack);
    }

    /** Makes the buckets and queues named in the configuration ({@code pipelines.local.*}) on the local servers. */
    public static void provision(Settings settings, Map<String, String> props, EmbeddedStack stack) {
        int visibility = Integer.parseInt(settings.resolve("{{ingest.queue.visibility-seconds:720}}", props));
        stack.provision(split(settings.resolve("{{pipelines.local.buckets:}}", props)),
                split(settings.resolve("{{pipelines.local.queues:}}", props)), visibility);
    }

    private static List<String> split(String csv) {
        List<String> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** The embedded stack in use, as the local code's own type; null against real AWS. */
    public <S extends EmbeddedStack> S stack(Class<S> type) {
        return type.cast(stack);
    }

    @Override
    public void close() throws Exception {
        try {
            main.stop();
        } finally {
            if (ownedStack != null) {
                ownedStack.close();
            }
        }
    }
}
