package imagepipelines;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The embedded S3, SQS and API stand-ins of the {@code local} profile, as production code sees them. The
 * implementation ({@code imagepipelines.local.LocalStack}) and its servers (s3proxy, ElasticMQ, graphql-java) are in
 * image-pipelines-local.jar and target/lib-local, found through {@link ServiceLoader}: the production jar and image
 * hold none of them, and production code compiles without them.
 */
public interface EmbeddedStack extends AutoCloseable {

    /** Properties that point the application at this stack: endpoints, keys, the API stand-in's URL. */
    Map<String, String> properties();

    /** Makes the buckets, and each queue with its dead-letter queue, that are missing. */
    void provision(List<String> buckets, List<String> queues, int visibilitySeconds);

    /** The service image-pipelines-local.jar provides (ports 0 = free loopback ports). */
    interface Starter {
        EmbeddedStack start(Path dataDir, int s3Port, int sqsPort, int apiPort) throws Exception;
    }

    static EmbeddedStack start(Path dataDir, int s3Port, int sqsPort, int apiPort) throws Exception {
        Starter starter = ServiceLoader.load(Starter.class).findFirst().orElseThrow(() -> new IllegalStateException(
                "pipelines.local.enabled=true (the local profile) needs the embedded stack: put"
                        + " image-pipelines-local.jar and target/lib-local/* on the class path (bin/image-pipelines"
                        + " does), or run with CAMEL_MAIN_PROFILE=dev or prod against AWS"));
        return starter.start(dataDir, s3Port, sqsPort, apiPort);
    }
}
