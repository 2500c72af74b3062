package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * Why the aerial stage routes still set {@code aerialStage} by hand (issue 11 asked to use Camel's
 * {@code CamelFailureRouteId} instead if it names the stage): with the aerial layout (the orchestrating route's
 * {@code aerial-errors} configuration handles the failure, the stage routes use the {@code stage} configuration
 * without an error handler, aerial-run-gdal is shared by two stages) Camel names the orchestrating route, not the
 * stage that threw; the property a stage sets does reach the handler.
 */
class CamelFailureRouteIdTest {

    @Test
    void camelFailureRouteIdNamesTheHandlingRouteNotTheStageThatThrew() throws Exception {
        Map<String, String> routeId = new ConcurrentHashMap<>();
        Map<String, String> label = new ConcurrentHashMap<>();
        try (DefaultCamelContext ctx = new DefaultCamelContext()) {
            ctx.addRoutes(new RouteConfigurationBuilder() {
                @Override
                public void configuration() {
                    routeConfiguration("aerial-errors").onException(Exception.class).handled(true).process(e -> {
                        String body = e.getMessage().getBody(String.class);
                        routeId.put(body, String.valueOf(e.getProperty(Exchange.FAILURE_ROUTE_ID)));
                        label.put(body, String.valueOf(e.getProperty("aerialStage")));
                    });
                    routeConfiguration("stage").errorHandler(noErrorHandler());
                }
            });
            ctx.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:aerial-process-georef").routeId("aerial-process-georef")
                            .routeConfigurationId("aerial-errors")
                            .setProperty("aerialStage", constant("aerial-process-georef"))
                            .to("direct:aerial-compress").to("direct:aerial-reproject");
                    from("direct:aerial-compress").routeId("aerial-compress").routeConfigurationId("stage")
                            .setProperty("aerialStage", constant("aerial-compress"))
                            .filter(body().isEqualTo("16-bit nc")).throwException(new IllegalArgumentException("UInt16"));
                    from("direct:aerial-reproject").routeId("aerial-reproject").routeConfigurationId("stage")
                            .setProperty("aerialStage", constant("aerial-reproject"))
                            .to("direct:aerial-run-gdal");
                    from("direct:aerial-run-gdal").routeId("aerial-run-gdal").routeConfigurationId("stage")
                            .throwException(new IllegalStateException("gdalwarp exited with code 1"));
                }
            });
            ctx.start();
            ctx.createProducerTemplate().sendBody("direct:aerial-process-georef", "16-bit nc");
            ctx.createProducerTemplate().sendBody("direct:aerial-process-georef", "corrupt tiles");
        }
        assertEquals("aerial-process-georef", routeId.get("16-bit nc"));
        assertEquals("aerial-process-georef", routeId.get("corrupt tiles"));
        assertEquals("aerial-compress", label.get("16-bit nc"));
        assertEquals("aerial-reproject", label.get("corrupt tiles"));
    }
}
