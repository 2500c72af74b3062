package imagepipelines.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import imagepipelines.common.OperatorSecret;
import picocli.CommandLine.Option;

/**
 * The {@code --url} of a running instance and the call to it, with the operator token from PIPELINES_OPERATOR_SECRET
 * (or the local run's {@code .local-data/operator-token}); a picocli mixin of the operator commands.
 */
final class OperatorEndpoint {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://localhost:8080",
            description = "the running instance (default: ${DEFAULT-VALUE})")
    String url;

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url + path));
    }

    /** Sends with the operator token when there is one; says what to do about a 401. */
    HttpResponse<String> send(HttpRequest.Builder req, Duration timeout) throws Exception {
        return send(req, timeout, true);
    }

    /** {@code withToken} false for the reading calls, which need none. */
    HttpResponse<String> send(HttpRequest.Builder req, Duration timeout, boolean withToken) throws Exception {
        String token = withToken ? OperatorSecret.forCli(System.getenv()) : null;
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(req.timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 401) {
            System.err.println("refused (HTTP 401): set PIPELINES_OPERATOR_SECRET to the instance's operator token");
        }
        return r;
    }
}
