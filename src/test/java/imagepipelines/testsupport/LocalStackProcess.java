package imagepipelines.testsupport;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import imagepipelines.aws.AwsClients;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code bin/image-pipelines local-stack} as its own process: the embedded S3, SQS and Animl API stand-in with the
 * local profile's buckets and queues ({@code *-local}), which application processes ({@code run}) are pointed at.
 */
public final class LocalStackProcess implements AutoCloseable {

    public final ChildJvm jvm;
    public final Map<String, String> props;
    private final S3Client s3;
    private final SqsClient sqs;

    private LocalStackProcess(ChildJvm jvm, Map<String, String> props) {
        this.jvm = jvm;
        this.props = props;
        this.s3 = AwsClients.s3(props.get("aws.region"), props.get("aws.s3.endpoint"), props.get("aws.access-key"),
                props.get("aws.secret-key"));
        this.sqs = AwsClients.sqs(props.get("aws.region"), props.get("aws.sqs.endpoint"), props.get("aws.access-key"),
                props.get("aws.secret-key"));
    }

    public static LocalStackProcess start(Path dir) throws Exception {
        Path data = dir.resolve("stack-data");
        Path file = dir.resolve("local-stack.properties");
        ChildJvm jvm = ChildJvm.start(dir, "local-stack", List.of("local-stack", "--data-dir", data.toString(),
                "--properties", file.toString()), Map.of());
        jvm.awaitLog("local stack running", Duration.ofSeconds(90));
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        Map<String, String> props = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k)));
        return new LocalStackProcess(jvm, props);
    }

    /** Environment of an application process ({@code run}) using this stack: local profile, no embedded stack. */
    public Map<String, String> appEnv(int port, Path scratch) {
        Map<String, String> env = new LinkedHashMap<>(ChildJvm.asEnv(props));
        env.put("CAMEL_MAIN_PROFILE", "local");
        env.put("PIPELINES_LOCAL_ENABLED", "false");
        env.put("PIPELINES_SCRATCH_DIR", scratch.toString());
        env.put("PIPELINES_OPERATOR_SECRET", TestPipelines.OPERATOR_TOKEN);
        env.put("CAMEL_SERVER_PORT", String.valueOf(port));
        env.put("CAMEL_MANAGEMENT_PORT", String.valueOf(port));
        return env;
    }

    public S3Client s3() {
        return s3;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public String queueUrl(String name) {
        return sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
    }

    @Override
    public void close() throws InterruptedException, IOException {
        s3.close();
        sqs.close();
        if (jvm.isAlive()) {
            jvm.sigterm(Duration.ofSeconds(30));
        }
    }
}
