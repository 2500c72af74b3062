package imagepipelines.common;

import static imagepipelines.testsupport.TestPipelines.INGESTION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpServer;
import imagepipelines.local.LocalStack;
import imagepipelines.testsupport.ChildJvm;
import imagepipelines.testsupport.S3Events;
import imagepipelines.testsupport.TestPipelines;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code PIPELINES_TRACING_OTLP_ENDPOINT}: the application, as a separate process, exports Camel's spans over
 * OTLP/HTTP; a loopback receiver here decodes the real protobuf. One upload is one trace across its ingest stages.
 */
class TracesOtlpTest {

    static final String QUEUE = "animl-ingest-events-test";
    static final List<String> STAGES = List.of("ingest-download-upload", "ingest-extract-metadata",
            "ingest-make-thumbnails", "ingest-create-image-record", "ingest-store-outputs", "ingest-delete-upload");

    record Received(String traceId, String name, Map<String, String> attributes) {
        String describe() {
            return name + " " + attributes;
        }
    }

    @TempDir
    static Path dir;
    static LocalStack stack;
    static HttpServer receiver;
    static final List<Received> spans = new CopyOnWriteArrayList<>();
    static final List<String> contentTypes = new CopyOnWriteArrayList<>();
    static final List<String> failures = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stack = ChildJvm.ingestStack(dir, QUEUE);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/traces", http -> {
            try (http) {
                contentTypes.add(http.getRequestHeaders().getFirst("Content-Type"));
                ExportTraceServiceRequest req;
                try {
                    req = ExportTraceServiceRequest.parseFrom(http.getRequestBody().readAllBytes());
                } catch (RuntimeException | java.io.IOException | LinkageError e) {
                    failures.add(e.toString());
                    http.sendResponseHeaders(400, -1);
                    return;
                }
                req.getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss -> ss.getSpansList()
                        .forEach(s -> spans.add(received(s)))));
                byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                http.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                http.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
                http.getResponseBody().write(ok);
            }
        });
        receiver.start();
    }

    static Received received(Span s) {
        Map<String, String> attrs = s.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey,
                kv -> kv.getValue().getStringValue(), (a, b) -> a));
        return new Received(HexFormat.of().formatHex(s.getTraceId().toByteArray()), s.getName(), attrs);
    }

    @AfterAll
    static void stop() throws Exception {
        receiver.stop(0);
        stack.close();
    }

    @Test
    void oneUploadIsOneTraceAcrossItsIngestStages() throws Exception {
        int port = TestPipelines.freePort();
        Map<String, String> env = ChildJvm.ingestWorkerEnv(stack.properties(), dir, port);
        env.put("PIPELINES_TRACING_OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/traces");
        env.put("PIPELINES_TRACING_EXPORT_DELAY_MS", "500");
        try (ChildJvm app = ChildJvm.start(dir, "app-traces", List.of("run"), env)) {
            app.awaitReady(port, Duration.ofSeconds(180));
            // two different images (the API stand-in refuses a second image with the same MD5 as a duplicate)
            for (String key : List.of("cam/reconyx_hc550_small.jpg", "cam/reconyx_pc900_professional.jpg")) {
                stack.s3().putObject(r -> r.bucket(INGESTION).key(key),
                        RequestBody.fromBytes(TestPipelines.resource("/camera-trap/" + key.substring(4))));
                String url = stack.sqs().getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
                stack.sqs().sendMessage(r -> r.queueUrl(url).messageBody(S3Events.notification(INGESTION, key)));
                app.awaitLog("ingested " + key, Duration.ofSeconds(60));
            }
            // the batch processor exports every 500 ms here: wait for both traces whole before stopping, so that a
            // SIGTERM racing the last export cannot decide the test (the stop flushes what is still buffered)
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < until && !(stagesByTrace().size() == 2
                    && stagesByTrace().values().stream().allMatch(st -> st.size() == STAGES.size()))) {
                Thread.sleep(100);
            }
            app.sigterm(Duration.ofSeconds(30));
        }
        assertTrue(failures.isEmpty(), "undecodable exports: " + failures);
        assertTrue(contentTypes.stream().allMatch("application/x-protobuf"::equals), contentTypes.toString());
        // the spans of each stage, by trace: two uploads -> two traces, each with every stage
        Map<String, Set<String>> stagesByTrace = stagesByTrace();
        String seen = spans.stream().map(Received::describe).distinct().limit(60).collect(Collectors.joining("\n"));
        assertEquals(2, stagesByTrace.size(), "one trace per upload: " + stagesByTrace + "\n" + seen);
        for (Set<String> stages : stagesByTrace.values()) {
            assertEquals(new TreeSet<>(STAGES), stages, "each trace spans every stage:\n" + seen);
        }
    }

    /** The stages seen so far, by trace id. */
    private static Map<String, Set<String>> stagesByTrace() {
        Map<String, Set<String>> byTrace = new java.util.HashMap<>();
        for (Received s : List.copyOf(spans)) {
            for (String stage : STAGES) {
                if (s.describe().contains(stage)) {
                    byTrace.computeIfAbsent(s.traceId(), t -> new TreeSet<>()).add(stage);
                }
            }
        }
        return byTrace;
    }
}
