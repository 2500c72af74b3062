package imagepipelines.local.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import imagepipelines.PipelinesApp;
import imagepipelines.common.Settings;
import imagepipelines.local.LocalStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code local-stack}: the embedded S3 and SQS servers and the Animl API stand-in on their own, with the buckets and
 * queues of the local profile, until stopped. For running the routes in another process, e.g. with Camel JBang:
 * prints the endpoints and keys and writes them as application properties to a file that process reads.
 */
@Command(name = "local-stack",
        description = "the embedded S3, SQS and Animl API stand-in alone, with the local buckets and queues, until "
        + "stopped; prints endpoints and keys and writes them to FILE (default DIR/local-stack.properties) "
        + "for e.g. `camel run` (docs/deploy.md)")
public final class LocalStackCommand implements Callable<Integer> {

    private final Settings settings = new Settings("local");

    @Option(names = "--data-dir", paramLabel = "DIR")
    Path dataDir = Path.of(settings.get("pipelines.local.data-dir", ".local-data"));

    @Option(names = "--properties", paramLabel = "FILE")
    Path propertiesFile;

    @Option(names = "--s3-port", paramLabel = "N")
    int s3Port = Integer.parseInt(settings.get("pipelines.local.s3-port", "0"));

    @Option(names = "--sqs-port", paramLabel = "N")
    int sqsPort = Integer.parseInt(settings.get("pipelines.local.sqs-port", "0"));

    @Option(names = "--api-port", paramLabel = "N")
    int apiPort = Integer.parseInt(settings.get("pipelines.local.api-port", "0"));

    @Option(names = "--persistent-queues",
            description = "keep queues and messages in DIR/sqs across a restart of the stack (the fault suite)")
    boolean persistentQueues;

    @Override
    public Integer call() throws Exception {
        if (propertiesFile == null) {
            propertiesFile = dataDir.resolve("local-stack.properties");
        }
        LocalStack stack = start(dataDir, s3Port, sqsPort, apiPort, propertiesFile, persistentQueues);
        Map<String, String> props = stack.properties();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stack.close();
            } catch (Exception e) {
                System.err.println("local-stack: " + e);
            }
            stopped.countDown();
        }, "local-stack-stop"));
        System.out.println("local stack running (stop with Ctrl-C); data in " + dataDir.toAbsolutePath());
        props.forEach((k, v) -> System.out.println("  " + k + " = " + v));
        System.out.println("buckets: " + settings.resolve("{{pipelines.local.buckets}}", props));
        System.out.println("queues:  " + settings.resolve("{{pipelines.local.queues}}", props) + " (each with -dlq)");
        System.out.println("properties written to " + propertiesFile.toAbsolutePath());
        System.out.flush();
        stopped.await();
        return 0;
    }

    /**
     * Starts the stack with the local profile's buckets and queues and writes its settings to {@code propertiesFile}
     * (ports 0 = free ones).
     */
    public static LocalStack start(Path dataDir, int s3Port, int sqsPort, int apiPort, Path propertiesFile)
            throws Exception {
        return start(dataDir, s3Port, sqsPort, apiPort, propertiesFile, false);
    }

    /** With {@code persistentQueues}, queues and messages are kept in DIR/sqs and found again by the next start. */
    public static LocalStack start(Path dataDir, int s3Port, int sqsPort, int apiPort, Path propertiesFile,
            boolean persistentQueues) throws Exception {
        LocalStack stack = new LocalStack(dataDir, s3Port, sqsPort, apiPort, Map.of(), persistentQueues);
        Map<String, String> props = new LinkedHashMap<>(stack.properties());
        PipelinesApp.provision(new Settings("local"), props, stack);
        write(propertiesFile, props);
        return stack;
    }

    /** The stack's settings as application properties (local, fixed keys that open nothing but this stack). */
    private static void write(Path file, Map<String, String> props) throws IOException {
        StringBuilder sb = new StringBuilder("# written by image-pipelines local-stack; valid while it runs\n");
        props.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, sb.toString());
    }
}
