package imagepipelines.local;

import java.nio.file.Path;
import java.util.Map;

import imagepipelines.EmbeddedStack;

/** How the production code's {@code local} profile starts this stack: a ServiceLoader service (META-INF/services). */
public final class LocalStackStarter implements EmbeddedStack.Starter {

    @Override
    public EmbeddedStack start(Path dataDir, int s3Port, int sqsPort, int apiPort) throws Exception {
        return new LocalStack(dataDir, s3Port, sqsPort, apiPort, Map.of());
    }
}
