package imagepipelines.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

import imagepipelines.PipelinesApp;
import imagepipelines.common.Settings;
import imagepipelines.ingest.UploadKey;
import imagepipelines.local.EmbeddedPostgres;
import imagepipelines.local.FakeAnimlApi;
import imagepipelines.local.FakeFaceApi;
import imagepipelines.local.LocalStack;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The application on the embedded, real-protocol S3 and SQS servers with the Animl API stand-in, for route tests:
 * everything on loopback, on free ports, in a temporary folder.
 */
public final class TestPipelines implements AutoCloseable {

    public static final String INGESTION = "animl-images-ingestion-test";
    public static final String SERVING = "animl-images-serving-test";
    public static final String PARKINGLOT = "animl-images-parkinglot-test";
    public static final String DEADLETTER = "animl-images-dead-letter-test";
    /** the operator token (pipelines.operator.secret) of the test instances */
    public static final String OPERATOR_TOKEN = "test-operator-token-0123456789";

    public final LocalStack stack;
    public final PipelinesApp app;
    public final int httpPort;

    private final Map<String, String> props;

    private TestPipelines(LocalStack stack, PipelinesApp app, int httpPort, Map<String, String> props) {
        this.stack = stack;
        this.app = app;
        this.httpPort = httpPort;
        this.props = props;
    }

    /** Stops the application and starts it again with the same settings on the same stack (a restart). */
    public TestPipelines restart() throws Exception {
        app.close();
        return new TestPipelines(stack, PipelinesApp.start(new Settings("local"), props, stack), httpPort, props);
    }

    public static TestPipelines start(Path dir, Map<String, String> overrides) throws Exception {
        LocalStack stack = LocalStack.start(dir.resolve("local"));
        int httpPort = freePort();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("pipelines.stage", "test");
        // the local profile runs every workflow; a test class names the ones it drives (override below)
        props.put("pipelines.workflows", "ingest");
        props.put("pipelines.scratch-dir", dir.resolve("scratch").toString());
        props.put("camel.server.port", String.valueOf(httpPort));
        props.put("camel.management.port", String.valueOf(httpPort));
        props.put("ingest.intake.poll.enabled", "true");
        props.put("ingest.intake.sqs.enabled", "false");
        props.put("ingest.poll.delay-ms", "200");
        props.put("ingest.retry.delay-ms", "50");
        props.put("ingest.retry.max-delay-ms", "200");
        props.put("ingest.maintenance.cache-ms", "0");
        props.put("pipelines.operator.secret", OPERATOR_TOKEN);
        props.putAll(overrides);
        PipelinesApp app = PipelinesApp.start(new Settings("local"), props, stack);
        return new TestPipelines(stack, app, httpPort, props);
    }

    /**
     * The settings of an aerial-only instance on its own: the S3 poller intake with fast polls and retries, two
     * workers, the tile index in {@code pg}'s PostGIS. A mutable map, for the test's own additions.
     */
    public static Map<String, String> aerialSettings(Path dir, EmbeddedPostgres pg) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("pipelines.workflows", "aerial");
        o.put("aerial.intake.poll.enabled", "true");
        o.put("aerial.intake.sqs.enabled", "false");
        o.put("aerial.poll.delay-ms", "200");
        o.put("aerial.retry.delay-ms", "50");
        o.put("aerial.retry.max-delay-ms", "200");
        o.put("aerial.workers", "2");
        o.put("aerial.postgis.jdbc-url", pg.jdbcUrl());
        o.put("aerial.postgis.user", pg.user());
        o.put("aerial.mapfile.postgis-connection", pg.conninfo());
        o.put("aerial.tile-index.geopackage", dir.resolve("unused.gpkg").toString());
        return o;
    }

    /**
     * The settings of a faces-only instance reading requests from SQS queue {@code queue} (its post queue listed
     * too), photos allowed from loopback only, two workers, one warm-up round. A mutable map, for the test's own
     * additions.
     */
    public static Map<String, String> facesSettings(String queue) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("pipelines.workflows", "faces");
        o.put("pipelines.local.queues", queue + "," + queue + "-posts");
        o.put("faces.queue.wait-seconds", "1");
        o.put("faces.allowed-hosts", "127.0.0.1");
        o.put("faces.workers", "2");
        o.put("faces.warm-up-rounds", "1");
        return o;
    }

    /** The members' site stand-in on a free loopback port, serving one photo with a face as {@code a.webp}. */
    public static FakeFaceApi photoHost() throws IOException {
        FakeFaceApi api = new FakeFaceApi(0);
        api.photo("a.webp", resource("/faces/astronaut-1200x900.webp"));
        return api;
    }

    /** Sends {@code body} to SQS queue {@code queue} of the stack; the message id. */
    public String send(String queue, String body) {
        String url = stack.sqs().getQueueUrl(r -> r.queueName(queue)).queueUrl();
        return stack.sqs().sendMessage(r -> r.queueUrl(url).messageBody(body)).messageId();
    }

    /** Closes each of {@code parts} that is not null, in order, every one even when an earlier one fails. */
    public static void closeAll(AutoCloseable... parts) throws Exception {
        Exception first = null;
        for (AutoCloseable c : parts) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    public S3Client s3() {
        return stack.s3();
    }

    public FakeAnimlApi api() {
        return stack.api();
    }

    public void put(String bucket, String key, byte[] bytes) {
        s3().putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }

    public byte[] get(String bucket, String key) {
        return s3().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
    }

    public HeadObjectResponse head(String bucket, String key) {
        return s3().headObject(r -> r.bucket(bucket).key(key));
    }

    public List<String> keys(String bucket) {
        return s3().listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList();
    }

    /** Deletes every object of {@code buckets} whose key {@code which} accepts (between tests of one class). */
    public void deleteObjects(Predicate<String> which, String... buckets) {
        for (String b : buckets) {
            keys(b).stream().filter(which).forEach(k -> s3().deleteObject(r -> r.bucket(b).key(k)));
        }
    }

    public static byte[] resource(String path) {
        try (InputStream in = TestPipelines.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Camel's NotifyBuilder on the running routes: matches once, for each of {@code keys}, an exchange that route
     * {@code routeId} consumed (a split's parts included) is done (completed, or failed) with that key, as
     * {@code keyOf} reads it. Create it before the upload, then {@link #assertDone}.
     */
    public NotifyBuilder whenDone(String routeId, Function<Exchange, String> keyOf, String... keys) {
        NotifyBuilder b = new NotifyBuilder(app.context());
        for (int i = 0; i < keys.length; i++) {
            String key = keys[i];
            if (i > 0) {
                b.and();
            }
            b.fromRoute(routeId).whenAnyDoneMatches(e -> key.equals(keyOf.apply(e)));
        }
        return b.create();
    }

    /**
     * Whether {@code e} is the exchange a consumer made, not a part split from it. A split part carries its index
     * and, as correlation id, the id of the exchange it was split from; when a part's state is copied back onto its
     * parent (a part that stopped, or failed), the parent gets the index too, but the correlation id is then its own.
     */
    public static boolean isWhole(Exchange e) {
        return e.getProperty(Exchange.SPLIT_INDEX) == null
                || e.getExchangeId().equals(e.getProperty(Exchange.CORRELATION_ID, String.class));
    }

    /** Ingest: the poller's part for each upload key is done (stored, dead-lettered, or left for a later try). */
    public NotifyBuilder whenImagesDone(String... keys) {
        return whenDone("ingest-intake-poll-bucket",
                e -> e.getProperty("upload") instanceof UploadKey u ? u.key() : null, keys);
    }

    /**
     * Ingest: a try of the poller at upload {@code key} is done that got as far as deleting the upload (stored or
     * dead-lettered); a try left in place for a later listing never gets there.
     */
    public NotifyBuilder whenImageFinished(String key) {
        return new NotifyBuilder(app.context()).fromRoute("ingest-intake-poll-bucket")
                .filter(e -> e.getProperty("upload") instanceof UploadKey u && u.key().equals(key))
                .wereSentTo("direct:ingest-delete-upload").whenDone(1).create();
    }

    /** Ingest: {@code n} tries of the poller at upload {@code key} are done, however each ended. */
    public NotifyBuilder whenTriesDone(String key, int n) {
        return new NotifyBuilder(app.context()).fromRoute("ingest-intake-poll-bucket")
                .filter(e -> e.getProperty("upload") instanceof UploadKey u && u.key().equals(key)).whenDone(n).create();
    }

    /** Waits for {@code done} to match; fails with {@code what} if it does not in time. */
    public static void assertDone(NotifyBuilder done, Duration timeout, String what) {
        if (!done.matches(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("timed out after " + timeout + " waiting for " + what + " (" + done + ")");
        }
    }

    /** Waits for a condition on the real outputs; fails with {@code what} if it does not come true in time. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
    }

    public static int freePort() {
        return imagepipelines.local.LoopbackPorts.free();
    }

    @Override
    public void close() throws Exception {
        try {
            app.close();
        } finally {
            stack.close();
        }
    }
}
