package imagepipelines.common;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;

/**
 * Applies the route toggles after the routes are created and before they start, so a replica that (re)starts
 * while a route is toggled stopped never takes a message on it.
 */
public final class RouteTogglesAtStartup extends SimpleEventNotifierSupport {

    private final CamelContext context;

    public RouteTogglesAtStartup(CamelContext context) {
        this.context = context;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextRoutesStartingEvent || event instanceof CamelEvent.RouteAddedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        RouteToggleApplier applier = context.getRegistry().lookupByNameAndType("routeToggleApplier",
                RouteToggleApplier.class);
        if (applier != null && Boolean.parseBoolean(
                context.resolvePropertyPlaceholders("{{pipelines.control.toggles-enabled:true}}"))) {
            if (event instanceof CamelEvent.RouteAddedEvent added) {
                applier.beforeRouteStarts(added.getRoute()); // the route exists, its consumer not started yet
            } else {
                applier.beforeRoutesStart(context);
            }
        }
    }
}
