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
import org.apache.camel.spi.RouteController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings this replica's routes to the desired states of {@link RouteToggles}, with Camel's route controller (stop,
 * start, suspend, resume). Called before the routes start (so a restart keeps the toggled state) and then on a timer.
 * Never touches the control plane: the routes of {@code routes/common/} (toggle poller, operator auth) and, unless
 * named by their exact id, the operator's HTTP endpoints (REST DSL verbs and their routes in the group
 * {@code operator-endpoints}).
 */
public final class RouteToggleApplier implements org.apache.camel.CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(RouteToggleApplier.class);
    private static final Pattern WORKFLOW = Pattern.compile("routes/([a-z0-9-]+)/[^/]+$");

    private final RouteToggles toggles;
    /** autoStartup as configured, before a toggle changed it: "start" of a workflow leaves disabled routes off */
    private final Map<String, Boolean> configured = new ConcurrentHashMap<>();

    private CamelContext camelContext;
    private volatile String lastFailure;
    /** the toggles read once while this context starts its routes */
    private volatile Map<String, String> atStartup;

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

    /** The context is about to start its routes: read the toggles once for {@link #beforeRouteStarts}. */
    public void beforeRoutesStart(CamelContext context) {
        atStartup = readOrEmpty();
    }

    /** Each route as Camel adds it, before its consumer starts: off if toggled stopped or suspended. */
    public void beforeRouteStarts(Route r) {
        Map<String, String> now = atStartup;
        if (now == null) {
            now = readOrEmpty();
            atStartup = now;
        }
        configured.putIfAbsent(r.getRouteId(), !Boolean.FALSE.equals(r.isAutoStartup()));
        RouteToggles.Match m = match(now, r);
        if (m != null && !RouteToggles.STARTED.equals(m.state()) && !Boolean.FALSE.equals(r.isAutoStartup())) {
            r.setAutoStartup(false);
            LOG.warn("route {} not started: toggled {} by '{}' in {}", r.getRouteId(), m.state(), m.key(),
                    toggles.location());
        }
    }

    /** Reads the toggles and applies them (the timer route); returns how many routes changed state. */
    public int applyTo(CamelContext context) {
        return applyTo(context, readOrEmpty());
    }

    // one at a time: the timer and a PUT on this replica must not drive the route controller concurrently
    synchronized int applyTo(CamelContext context, Map<String, String> now) {
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
        String uri = r.getEndpoint() == null ? null : r.getEndpoint().getEndpointUri();
        // the handler an endpoint's PUT and POST verbs share counts as the endpoint
        return match(now, r.getRouteId(), workflow(r), "operator-endpoints".equals(r.getGroup()) ? "rest:" : uri);
    }

    private static RouteToggles.Match match(Map<String, String> now, String id, String workflow, String uri) {
        if ("common".equals(workflow)) {
            return null;
        }
        RouteToggles.Match m = RouteToggles.desired(now, id, workflow);
        boolean operatorEndpoint = uri != null && (uri.startsWith("rest:") || uri.startsWith("platform-http:"));
        return m != null && operatorEndpoint && !m.exact() ? null : m;
    }

    static String workflow(Route r) {
        // a route made from a template (routes/common/sqs-intake.yaml) carries the template's file as its location:
        // its id says the workflow that asked for it (ingest-intake-s3-events)
        return workflow(r.isCreatedByRouteTemplate() ? null : r.getSourceLocation(), r.getRouteId());
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
            Map<String, String> now = toggles.read();
            lastFailure = null;
            return now;
        } catch (RuntimeException e) {
            // S3 unreachable: keep the routes as they are and try again on the next tick; the same failure is
            // logged once, not every few seconds
            String failure = e.toString();
            if (!failure.equals(lastFailure)) {
                LOG.warn("route toggles not read from {} (routes kept as they are): {}", toggles.location(), failure);
            }
            lastFailure = failure;
            return Map.of();
        }
    }
}
