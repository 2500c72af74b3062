package imagepipelines.common;

import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;

/** HTTP clients for the third-party APIs we call: every wait is bounded (the Animl contract says 15 s). */
public final class ApiHttpClients {

    private ApiHttpClients() {
    }

    public static CloseableHttpClient withTimeout(int timeoutSeconds, int maxConnections) {
        Timeout timeout = Timeout.of(timeoutSeconds, TimeUnit.SECONDS);
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(maxConnections)
                        .setMaxConnPerRoute(maxConnections)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(timeout).setSocketTimeout(timeout).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(timeout).setResponseTimeout(timeout).build())
                .disableAutomaticRetries() // the routes retry with backoff, and know what is safe to retry
                .build();
    }
}
