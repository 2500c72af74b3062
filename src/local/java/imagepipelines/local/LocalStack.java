package imagepipelines.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import imagepipelines.EmbeddedStack;
import imagepipelines.aws.AwsClients;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The embedded local default: a real-protocol S3 server, a real-protocol SQS server and the Animl API stand-in,
 * all on loopback in this JVM, with the buckets and queues the routes expect already made.
 */
public final class LocalStack implements EmbeddedStack {

    /** Fixed, well-known local credentials: they open nothing outside this JVM. */
    public static final String ACCESS_KEY = "local-access-key";
    public static final String SECRET_KEY = "local-secret-key";
    public static final String API_KEY = "local-api-key";
    public static final String REGION = "us-east-1";

    private final Path dataDir;
    private final Path sqsStore;
    private volatile LocalS3Server s3Server;
    private volatile LocalSqsServer sqsServer;
    private final FakeAnimlApi api;
    private final S3Client s3;
    private final SqsClient sqs;

    public LocalStack(Path dataDir, int s3Port, int sqsPort, int apiPort, Map<String, String> projectsBySerial)
            throws Exception {
        this(dataDir, s3Port, sqsPort, apiPort, projectsBySerial, false);
    }

    /** With {@code persistentQueues}, the SQS server keeps queues and messages in {@code dataDir/sqs} across restarts. */
    public LocalStack(Path dataDir, int s3Port, int sqsPort, int apiPort, Map<String, String> projectsBySerial,
            boolean persistentQueues) throws Exception {
        this.dataDir = dataDir;
        this.sqsStore = persistentQueues ? dataDir.toAbsolutePath().resolve("sqs").resolve("queues") : null;
        s3Server = new LocalS3Server(dataDir.resolve("s3"), s3Port, ACCESS_KEY, SECRET_KEY);
        sqsServer = new LocalSqsServer(sqsPort, sqsStore);
        api = new FakeAnimlApi(apiPort, API_KEY, dataDir.resolve("animl-api-received.jsonl"), projectsBySerial);
        s3 = AwsClients.s3(REGION, s3Server.endpoint(), ACCESS_KEY, SECRET_KEY, "when_required");
        sqs = AwsClients.sqs(REGION, sqsServer.endpoint(), ACCESS_KEY, SECRET_KEY);
    }

    public static LocalStack start(Path dataDir) throws Exception {
        return new LocalStack(dataDir, 0, 0, 0, Map.of());
    }

    public LocalStack createBuckets(List<String> buckets) {
        for (String b : buckets) {
            try {
                s3.createBucket(r -> r.bucket(b));
            } catch (BucketAlreadyOwnedByYouException e) {
                // already there from an earlier run on the same data folder
            } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                if (e.statusCode() != 409) {
                    throw e;
                }
            }
        }
        return this;
    }

    /** Creates a queue with a dead-letter queue that takes messages after {@code maxReceives} receives. */
    public static String createQueueWithDeadLetter(SqsClient sqs, String name, int maxReceives, int visibilitySeconds) {
        String dlqUrl = sqs.createQueue(r -> r.queueName(name + "-dlq")).queueUrl();
        String dlqArn = sqs.getQueueAttributes(GetQueueAttributesRequest.builder().queueUrl(dlqUrl)
                .attributeNames(QueueAttributeName.QUEUE_ARN).build()).attributes().get(QueueAttributeName.QUEUE_ARN);
        Map<QueueAttributeName, String> attrs = new LinkedHashMap<>();
        attrs.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(visibilitySeconds));
        attrs.put(QueueAttributeName.REDRIVE_POLICY,
                "{\"maxReceiveCount\":\"" + maxReceives + "\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}");
        return sqs.createQueue(CreateQueueRequest.builder().queueName(name).attributes(attrs).build()).queueUrl();
    }

    @Override
    public void provision(List<String> buckets, List<String> queues, int visibilitySeconds) {
        createBuckets(buckets);
        for (String q : queues) {
            createQueueWithDeadLetter(sqs, q, 5, visibilitySeconds);
        }
    }

    /** Properties that point the application at this stack. */
    @Override
    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("aws.region", REGION);
        p.put("aws.s3.endpoint", s3Server.endpoint());
        p.put("aws.sqs.endpoint", sqsServer.endpoint());
        p.put("aws.access-key", ACCESS_KEY);
        p.put("aws.secret-key", SECRET_KEY);
        p.put("animl.api.url", api.url());
        p.put("animl.api.secret", API_KEY);
        return p;
    }

    /** Stops the S3 server alone (clients get refused connections) until {@link #startS3()}. */
    public synchronized void stopS3() throws Exception {
        s3Server.close();
    }

    /** Starts the S3 server again on the same port and folder: every object is still there. */
    public synchronized void startS3() throws Exception {
        s3Server = new LocalS3Server(dataDir.resolve("s3"), s3Server.port(), ACCESS_KEY, SECRET_KEY);
    }

    /** Stops the SQS server alone until {@link #startSqs()}; with persistent queues its messages stay on disk. */
    public synchronized void stopSqs() throws Exception {
        sqsServer.close();
    }

    public synchronized void startSqs() throws Exception {
        sqsServer = new LocalSqsServer(sqsServer.port(), sqsStore);
    }

    public S3Client s3() {
        return s3;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public FakeAnimlApi api() {
        return api;
    }

    @Override
    public void close() throws Exception {
        List<Exception> errors = new ArrayList<>();
        for (AutoCloseable c : new AutoCloseable[] {s3, sqs, api, sqsServer, s3Server}) {
            try {
                c.close();
            } catch (Exception e) {
                errors.add(e);
            }
        }
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
    }
}
