package imagepipelines.cli;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code routes list|stop|start|suspend|resume [ROUTE|PATTERN|WORKFLOW]}: the route toggles of a running instance
 * (GET /routes, PUT /routes/{target}/{action}), with the operator token like {@link MaintenanceCommand}.
 */
final class RoutesCommand {

    static final String USAGE = "usage: image-pipelines routes list|stop|start|suspend|resume [ROUTE|PATTERN|WORKFLOW]"
            + " [--url http://localhost:8080]";

    static int run(List<String> all) throws Exception {
        List<String> args = new ArrayList<>(all);
        String base = "http://localhost:8080";
        int i = args.indexOf("--url");
        if (i >= 0 && i + 1 < args.size()) {
            base = args.get(i + 1);
            args.subList(i, i + 2).clear();
        }
        if (args.isEmpty()) {
            System.err.println(USAGE);
            return 2;
        }
        String action = args.get(0);
        HttpRequest.Builder req;
        if ("list".equals(action)) {
            req = HttpRequest.newBuilder(URI.create(base + "/routes")).GET();
        } else if (List.of("stop", "start", "suspend", "resume").contains(action) && args.size() == 2) {
            String target = URLEncoder.encode(args.get(1), StandardCharsets.UTF_8);
            req = HttpRequest.newBuilder(URI.create(base + "/routes/" + target + "/" + action))
                    .PUT(HttpRequest.BodyPublishers.noBody());
            String token = imagepipelines.common.OperatorSecret.forCli(System.getenv());
            if (token != null) {
                req.header("Authorization", "Bearer " + token);
            }
        } else {
            System.err.println(USAGE);
            return 2;
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(req.timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 401) {
            System.err.println("refused (HTTP 401): set PIPELINES_OPERATOR_SECRET to the instance's operator token");
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
