package imagepipelines.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The backlog of each queue of the workflows this instance runs, their dead-letter queues included, as gauges
 * {@code pipelines_queue_messages{queue, state}} with state {@code visible} (ApproximateNumberOfMessages: waiting),
 * {@code in_flight} (ApproximateNumberOfMessagesNotVisible: received, not yet deleted) and {@code delayed}
 * (ApproximateNumberOfMessagesDelayed). Polled by the {@code pipelines-queue-backlog} timer route with
 * GetQueueAttributes; every replica reports the same queue-wide numbers (take max, not sum, across replicas). A queue
 * that cannot be read (missing, no permission) is logged once and left out until it can; {@code
 * pipelines_queue_poll_errors_total} counts the failed reads.
 */
public final class QueueBacklog implements MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(QueueBacklog.class);
    static final String GAUGE = "pipelines.queue.messages";
    private static final Map<String, QueueAttributeName> STATES = Map.of(
            "visible", QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
            "in_flight", QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
            "delayed", QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);

    private final SqsClient sqs;
    private final List<String> queues;
    private final Map<String, String> urls = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile MeterRegistry registry;

    /**
     * @param workflows        {@code pipelines.workflows} (e.g. {@code ingest,aerial})
     * @param queuesByWorkflow per workflow, its queues, comma-separated: {@code ingest=q1,q1-dlq;aerial=...}
     */
    public QueueBacklog(SqsClient sqs, String workflows, String queuesByWorkflow) {
        this.sqs = sqs;
        Map<String, String> byWorkflow = new LinkedHashMap<>();
        for (String part : queuesByWorkflow.split(";")) {
            String[] kv = part.split("=", 2);
            if (kv.length == 2) {
                byWorkflow.put(kv[0].trim(), kv[1]);
            }
        }
        List<String> qs = new ArrayList<>();
        for (String w : workflows.split(",")) {
            for (String q : byWorkflow.getOrDefault(w.trim(), "").split(",")) {
                if (!q.isBlank() && !qs.contains(q.trim())) {
                    qs.add(q.trim());
                }
            }
        }
        this.queues = List.copyOf(qs);
    }

    public List<String> queues() {
        return queues;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Reads every queue's attributes once (the timer route calls this). */
    public void poll() {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        for (String q : queues) {
            try {
                String url = urls.computeIfAbsent(q, n -> sqs.getQueueUrl(b -> b.queueName(n)).queueUrl());
                Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(url)
                        .attributeNames(STATES.values())).attributes();
                STATES.forEach((state, name) -> value(r, q, state).set(parse(a.get(name))));
                if (warned.remove(q)) {
                    LOG.info("queue {} can be read again", q);
                }
            } catch (SdkException e) {
                urls.remove(q);
                r.counter("pipelines.queue.poll.errors", "queue", q).increment();
                if (warned.add(q)) {
                    LOG.warn("queue backlog of {} not readable (GetQueueUrl/GetQueueAttributes): {}", q, e.getMessage());
                }
            }
        }
    }

    private AtomicLong value(MeterRegistry r, String queue, String state) {
        return values.computeIfAbsent(queue + "|" + state, k -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder(GAUGE, v, AtomicLong::get).description("messages in the queue (SQS approximate counts)")
                    .tag("queue", queue).tag("state", state).register(r);
            return v;
        });
    }

    private static long parse(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
