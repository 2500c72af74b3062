package imagepipelines.cli;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code routes list|stop|start|suspend|resume [ROUTE|PATTERN|WORKFLOW]}: the route toggles of a running instance
 * (GET /routes, PUT /routes/{target}/{action}), with the operator token like {@link MaintenanceCommand}.
 */
@Command(name = "routes",
        description = "route toggles on every replica within seconds, kept across restarts: e.g. `routes stop faces`, "
        + "`routes suspend 'aerial-intake-*'`; list shows desired and actual state (changes send the "
        + "operator token, as maintenance does)")
final class RoutesCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "list|stop|start|suspend|resume")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ROUTE|PATTERN|WORKFLOW")
    String target;

    @Mixin
    OperatorEndpoint endpoint;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        HttpResponse<String> r;
        if ("list".equals(action)) {
            r = endpoint.send(endpoint.request("/routes").GET(), Duration.ofMinutes(2), false);
        } else if (List.of("stop", "start", "suspend", "resume").contains(action) && target != null) {
            String t = URLEncoder.encode(target, StandardCharsets.UTF_8);
            r = endpoint.send(endpoint.request("/routes/" + t + "/" + action).PUT(HttpRequest.BodyPublishers.noBody()),
                    Duration.ofMinutes(2));
        } else {
            throw new ParameterException(spec.commandLine(), "routes: " + action
                    + (target == null ? " needs a ROUTE, PATTERN or WORKFLOW" : " takes no target"));
        }
        if ("list".equals(action) && r.statusCode() == 200) {
            printTable(r.body());
        } else {
            System.out.println(r.body());
        }
        return r.statusCode() < 300 ? 0 : 1;
    }

    private static void printTable(String json) throws Exception {
        List<Map<String, Object>> rows = new ObjectMapper().readValue(json, new TypeReference<>() { });
        String fmt = "%-36s %-8s %-18s %-10s %s%n";
        System.out.printf(fmt, "ROUTE", "WORKFLOW", "DESIRED", "ACTUAL", "TOGGLE");
        for (Map<String, Object> row : rows) {
            System.out.printf(fmt, row.get("id"), row.get("workflow"), row.get("desired"), row.get("actual"),
                    row.get("toggle") == null ? "" : row.get("toggle"));
        }
    }
}
