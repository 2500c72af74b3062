package imagepipelines.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RouteController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings this replica's routes to the desired states of {@link RouteToggles}, with Camel's route controller (stop,
 * start, suspend, resume). Called before the routes start (so a restart keeps the toggled state) and then on a timer.
 * Never touches the control plane: the routes of {@code routes/common/} (toggle poller, operator auth) and, unless
 * named by their exact id, the operator's HTTP endpoints ({@code platform-http}).
 */
public final class RouteToggleApplier implements org.apache.camel.CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(RouteToggleApplier.class);
    private static final Pattern WORKFLOW = Pattern.compile("routes/([a-z0-9-]+)/[^/]+$");

    private final RouteToggles toggles;
    /** autoStartup as configured, before a toggle changed it: "start" of a workflow leaves disabled routes off */
    private final Map<String, Boolean> configured = new ConcurrentHashMap<>();

    private CamelContext camelContext;

    public RouteToggleApplier(RouteToggles toggles) {
        this.toggles = toggles;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** The timer route: reads the toggles and applies them here. */
    public int apply() {
        return applyTo(camelContext);
    }

    /** GET /routes */
    public List<Map<String, Object>> list() {
        return listOf(camelContext);
    }

    /** PUT /routes/{target}/{action} */
    public Map<String, Object> toggle(String target, String action) {
        return toggleOn(camelContext, target, action);
    }

    /**
     * Before the routes start (their definitions exist, the routes not yet): the ones desired stopped or suspended
     * get autoStartup false, so they take no message; the timer then suspends the suspended ones.
     */
    public void beforeRoutesStart(CamelContext context) {
        Map<String, String> now = readOrEmpty();
        for (RouteDefinition d : ((ModelCamelContext) context).getRouteDefinitions()) {
            String id = d.getRouteId();
            String auto = d.getAutoStartup() == null ? "true" : context.resolvePropertyPlaceholders(d.getAutoStartup());
            configured.putIfAbsent(id, Boolean.parseBoolean(auto));
            String location = d.getResource() == null ? null : d.getResource().getLocation();
            String uri = d.getInput() == null ? null : d.getInput().getEndpointUri();
            RouteToggles.Match m = match(now, id, workflow(location, id), uri);
            if (m != null && !RouteToggles.STARTED.equals(m.state())) {
                d.setAutoStartup("false");
                LOG.warn("route {} not started: toggled {} by '{}' in {}", id, m.state(), m.key(), toggles.location());
            }
        }
    }

    /** Reads the toggles and applies them (the timer route); returns how many routes changed state. */
    public int applyTo(CamelContext context) {
        return applyTo(context, readOrEmpty());
    }

    int applyTo(CamelContext context, Map<String, String> now) {
        RouteController controller = context.getRouteController();
        int changed = 0;
        for (Route r : context.getRoutes()) {
            RouteToggles.Match m = match(now, r);
            if (m == null) {
                continue;
            }
            String id = r.getRouteId();
            ServiceStatus status = controller.getRouteStatus(id);
            boolean mayStart = m.exact() || configured.getOrDefault(id, !Boolean.FALSE.equals(r.isAutoStartup()));
            try {
                String did = null;
                switch (m.state()) {
                    case RouteToggles.STOPPED -> {
                        if (status.isStarted() || status.isSuspended()) {
                            controller.stopRoute(id); // graceful: exchanges in flight finish first
                            did = "stopped";
                        }
                    }
                    case RouteToggles.SUSPENDED -> {
                        if (status.isStarted()) {
                            controller.suspendRoute(id);
                            did = "suspended";
                        } else if (status.isStopped() && mayStart) {
                            controller.startRoute(id);
                            controller.suspendRoute(id);
                            did = "suspended";
                        }
                    }
                    case RouteToggles.STARTED -> {
                        if (status.isSuspended()) {
                            controller.resumeRoute(id);
                            did = "resumed";
                        } else if (status.isStopped() && mayStart) {
                            controller.startRoute(id);
                            did = "started";
                        }
                    }
                    default -> LOG.warn("unknown state '{}' for '{}' in {}", m.state(), m.key(), toggles.location());
                }
                if (did != null) {
                    changed++;
                    LOG.warn("route {} {} (toggle '{}' = {})", id, did, m.key(), m.state());
                }
            } catch (Exception e) {
                LOG.error("route {}: could not apply toggle '{}' = {}: {}", id, m.key(), m.state(), e.toString());
            }
        }
        return changed;
    }

    /** Every toggleable route here: id, workflow, desired state (and the key that decided it), actual state. */
    public List<Map<String, Object>> listOf(CamelContext context) {
        Map<String, String> now = readOrEmpty();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Route r : context.getRoutes()) {
            String workflow = workflow(r);
            if ("common".equals(workflow)) {
                continue;
            }
            RouteToggles.Match m = match(now, r);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", r.getRouteId());
            row.put("workflow", workflow);
            row.put("desired", m == null ? "(as configured)" : m.state());
            row.put("toggle", m == null ? null : m.key());
            row.put("actual", context.getRouteController().getRouteStatus(r.getRouteId()).name().toLowerCase());
            out.add(row);
        }
        out.sort((a, b) -> String.valueOf(a.get("id")).compareTo(String.valueOf(b.get("id"))));
        return out;
    }

    /** PUT /routes/{target}/{action}: records the toggle in S3 and applies it here at once; null if invalid. */
    public Map<String, Object> toggleOn(CamelContext context, String target, String action) {
        Map<String, String> now = toggles.set(target, action);
        if (now == null) {
            return null;
        }
        applyTo(context, now);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("target", target);
        out.put("desired", RouteToggles.stateOf(action));
        out.put("control", toggles.location());
        out.put("routes", listOf(context).stream().filter(row -> target.equals(row.get("toggle"))).toList());
        return out;
    }

    private RouteToggles.Match match(Map<String, String> now, Route r) {
        return match(now, r.getRouteId(), workflow(r),
                r.getEndpoint() == null ? null : r.getEndpoint().getEndpointUri());
    }

    private static RouteToggles.Match match(Map<String, String> now, String id, String workflow, String uri) {
        if ("common".equals(workflow)) {
            return null;
        }
        RouteToggles.Match m = RouteToggles.desired(now, id, workflow);
        boolean operatorEndpoint = uri != null && uri.startsWith("platform-http:");
        return m != null && operatorEndpoint && !m.exact() ? null : m;
    }

    static String workflow(Route r) {
        return workflow(r.getSourceLocation(), r.getRouteId());
    }

    /** routes/<workflow>/<file>.yaml, else the route id's first word */
    static String workflow(String location, String id) {
        if (location != null) {
            Matcher m = WORKFLOW.matcher(location);
            if (m.find()) {
                return m.group(1);
            }
        }
        int dash = id.indexOf('-');
        return dash > 0 ? id.substring(0, dash) : id;
    }

    private Map<String, String> readOrEmpty() {
        try {
            return toggles.read();
        } catch (RuntimeException e) {
            // S3 unreachable: keep the routes as they are and try again on the next tick
            LOG.warn("route toggles not read from {}: {}", toggles.location(), e.toString());
            return Map.of();
        }
    }
}
