package imagepipelines.common;

import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request body over the HTTP server's limit ({@code camel.server.max-body-size}, Vert.x's 10 MiB when unset) is
 * answered 413 by Vert.x before any route sees it, and Vert.x logged that as {@code ERROR Unhandled exception in
 * router} with no word of which request or why. It is the caller's mistake, not ours: logged at WARN with the method,
 * path, caller and declared size, and answered with a JSON body that says what the limit is.
 */
public final class TooLargeRequests {

    private static final Logger LOG = LoggerFactory.getLogger(TooLargeRequests.class);

    private TooLargeRequests() {
    }

    /** Registers the 413 handler on the operator/faces HTTP server of {@code context}; false when it has none. */
    public static boolean install(CamelContext context) {
        String port = context.resolvePropertyPlaceholders("{{camel.server.port:8080}}");
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(Integer.parseInt(port.trim())));
        if (router == null) {
            LOG.warn("no HTTP router for port {}: 413 answers keep Vert.x's default handling", port);
            return false;
        }
        var props = context.getPropertiesComponent();
        String limit = props.resolveProperty("camel.server.max-body-size")
                .or(() -> props.resolveProperty("camel.server.maxBodySize")).orElse("10485760").trim();
        // a failure handler on every path of the routes' router (the body handler that refuses the body runs
        // there; an error handler on this router is not consulted, Vert.x asks the server's top router)
        router.route().failureHandler(rc -> {
            if (rc.statusCode() == 413) {
                answer(rc, limit);
            } else {
                rc.next();
            }
        });
        LOG.debug("413 handler installed on port {} (limit {} bytes)", port, limit);
        return true;
    }

    static void answer(RoutingContext rc, String limit) {
        String length = rc.request().getHeader("Content-Length");
        LOG.warn("413 request body too large: {} {} from {} (Content-Length {}, limit {} bytes, "
                        + "camel.server.max-body-size)", rc.request().method(), rc.request().path(),
                rc.request().remoteAddress(), length == null ? "not given (chunked)" : length, limit);
        if (!rc.response().ended() && !rc.response().closed()) {
            rc.response().setStatusCode(413).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"request body too large: this server accepts at most " + limit + " bytes\"}");
        }
    }
}
