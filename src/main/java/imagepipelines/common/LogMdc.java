package imagepipelines.common;

import org.apache.camel.CamelContext;
import org.apache.camel.mdc.MDCService;

/**
 * The MDC of every log line written while an exchange is processed (camel-mdc: route id, exchange id, ...), plus
 * the exchange properties that name what is being worked on, where known: {@link #PROPERTIES}. Shown by the JSON log
 * format ({@code PIPELINES_LOG_FORMAT=json}, logback.xml).
 */
public final class LogMdc {

    /** upload key (ingest, aerial), bulk batch, Animl image id, faces request id */
    public static final String PROPERTIES = "imageKey,batchId,imageId,requestId";

    private LogMdc() {
    }

    /**
     * The log format (logback.xml: {@code -Dpipelines.log.format} or {@code PIPELINES_LOG_FORMAT}) must name one of
     * its appenders, {@code text} or {@code json}: another value would leave the application without any log output.
     */
    public static void checkFormat(String property, String env) {
        String v = property != null ? property : env;
        if (v != null && !v.equals("text") && !v.equals("json")) {
            throw new IllegalArgumentException("PIPELINES_LOG_FORMAT (pipelines.log.format) is '" + v
                    + "': use text or json (lower case)");
        }
    }

    /**
     * Installs camel-mdc on the context before its routes are built. Not through {@code camel.mdc.*}: Camel 4.17
     * binds {@code camel.mdc.custom-exchange-properties} to a setter that MDCService does not have and stops start-up.
     */
    public static void install(CamelContext context) {
        MDCService mdc = new MDCService();
        mdc.setCustomProperties(PROPERTIES);
        mdc.init(context);
    }
}
