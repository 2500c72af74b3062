package imagepipelines.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * {@code maintenance on|off|status|replay}: talks to a running instance's HTTP endpoints, with the operator token
 * from PIPELINES_OPERATOR_SECRET (or the local run's {@code .local-data/operator-token}).
 */
final class MaintenanceCommand {

    static int run(List<String> args) throws Exception {
        if (args.isEmpty()) {
            System.err.println("usage: image-pipelines maintenance on|off|status|replay [--url http://localhost:8080]");
            return 2;
        }
        String base = "http://localhost:8080";
        int i = args.indexOf("--url");
        if (i >= 0 && i + 1 < args.size()) {
            base = args.get(i + 1);
        }
        HttpRequest.Builder req = switch (args.get(0)) {
            case "on" -> HttpRequest.newBuilder(URI.create(base + "/maintenance/on")).PUT(HttpRequest.BodyPublishers.noBody());
            case "off" -> HttpRequest.newBuilder(URI.create(base + "/maintenance/off")).PUT(HttpRequest.BodyPublishers.noBody());
            case "status" -> HttpRequest.newBuilder(URI.create(base + "/maintenance")).GET();
            case "replay" -> HttpRequest.newBuilder(URI.create(base + "/maintenance/replay")).POST(HttpRequest.BodyPublishers.noBody());
            default -> null;
        };
        if (req == null) {
            System.err.println("unknown maintenance action: " + args.get(0));
            return 2;
        }
        String token = imagepipelines.common.OperatorSecret.forCli(System.getenv());
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(req.timeout(Duration.ofMinutes(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 401) {
            System.err.println("refused (HTTP 401): set PIPELINES_OPERATOR_SECRET to the instance's operator token");
        }
        System.out.println(r.body());
        return r.statusCode() < 300 ? 0 : 1;
    }
}
