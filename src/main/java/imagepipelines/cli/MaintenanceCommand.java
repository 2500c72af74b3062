package imagepipelines.cli;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code maintenance on|off|status|replay}: a running instance's maintenance endpoints. */
@Command(name = "maintenance",
        description = "switch maintenance mode of a running instance, or replay parked images (sends the operator "
        + "token: PIPELINES_OPERATOR_SECRET, else .local-data/operator-token of a local run)")
final class MaintenanceCommand implements Callable<Integer> {

    @Parameters(paramLabel = "on|off|status|replay")
    String action;

    @Mixin
    OperatorEndpoint endpoint;

    @Override
    public Integer call() throws Exception {
        HttpRequest.Builder req = switch (action) {
            case "on" -> endpoint.request("/maintenance/on").PUT(HttpRequest.BodyPublishers.noBody());
            case "off" -> endpoint.request("/maintenance/off").PUT(HttpRequest.BodyPublishers.noBody());
            case "status" -> endpoint.request("/maintenance").GET();
            case "replay" -> endpoint.request("/maintenance/replay").POST(HttpRequest.BodyPublishers.noBody());
            default -> null;
        };
        if (req == null) {
            System.err.println("unknown maintenance action: " + action);
            return 2;
        }
        HttpResponse<String> r = endpoint.send(req, Duration.ofMinutes(10));
        System.out.println(r.body());
        return r.statusCode() < 300 ? 0 : 1;
    }
}
