package imagepipelines.common;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.component.aws2.sqs.Sqs2Endpoint;
import org.apache.camel.spi.InflightRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

// Handles Exchanges by nature: at shutdown it walks Camel's in-flight exchanges for the SQS messages they hold.
/**
 * On shutdown (SIGTERM), an SQS message still being worked on when its queue's grace period ends is given back to
 * the queue, so another replica takes it at once instead of after the rest of its visibility timeout (720 s ingest,
 * 3600 s aerial, 900 s faces). Messages that finish in time are deleted as usual.
 * <p>
 * Given back how: SQS counts every receive against the DLQ's budget (maxReceiveCount 5), also a receive ended by a
 * stop. So the message is sent again as a new message (same body, receive count 0, attribute
 * {@value #REQUEUES_ATTRIBUTE} counting such re-sends) and the received one deleted; after {@code maxRequeues} re-sends
 * of one message (a job that never fits in the grace period) it is only made visible again
 * (ChangeMessageVisibility 0), which counts. A forced stop (SIGKILL, OOM, node lost) runs none of this.
 * <p>
 * Grace periods: {@code camel.main.shutdown-timeout} minus {@link #MARGIN_MS} for every queue (the deployments give
 * aerial 840 s on EKS, 110 s on ECS, so most COGs finish), shorter for the aerial queue when
 * {@code aerial.shutdown.grace-seconds} is set. When an aerial message is given back, the GDAL programs still running
 * are stopped, and the step reports {@link ReleasedAtShutdownException} (no error record).
 */
public final class SqsReleaseOnShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(SqsReleaseOnShutdown.class);
    /** released this long before the shutdown timeout, leaving time for the calls */
    static final long MARGIN_MS = 2000;
    /** the message attribute counting re-sends at shutdown (read by the sqs-intake route template) */
    public static final String REQUEUES_ATTRIBUTE = "PipelinesShutdownRequeues";
    /** the exchange properties the sqs-intake template sets: the message body as received, and the count above */
    public static final String BODY_PROPERTY = "sqsReceivedBody";
    public static final String REQUEUES_PROPERTY = "sqsShutdownRequeues";

    private static volatile boolean stoppedChildren;

    private SqsReleaseOnShutdown() {
    }

    /** True once GDAL programs were stopped because their messages were released: their failure is ours. */
    public static boolean stoppedChildren() {
        return stoppedChildren;
    }

    /** Called as the application starts to stop: watches the messages in flight until the context has stopped. */
    public static void arm(CamelContext context) {
        if (context == null) {
            return;
        }
        long timeoutMs = context.getShutdownStrategy().getTimeUnit().toMillis(context.getShutdownStrategy().getTimeout());
        long defaultMs = Math.max(500, timeoutMs - MARGIN_MS);
        Map<String, Long> graceByQueue = new HashMap<>();
        String aerialQueue = property(context, "aerial.queue");
        String aerialGrace = property(context, "aerial.shutdown.grace-seconds");
        if (aerialQueue != null && aerialGrace != null && !aerialGrace.isBlank()) {
            graceByQueue.put(aerialQueue, Math.min(defaultMs, Long.parseLong(aerialGrace.trim()) * 1000));
        }
        int maxRequeues = Integer.parseInt(java.util.Objects.requireNonNullElse(
                property(context, "pipelines.shutdown.max-requeues"), "3").trim());
        long t0 = System.nanoTime();
        Thread t = new Thread(() -> {
            Set<String> done = new HashSet<>();
            while (!context.isStopped()) {
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                release(context, q -> elapsed >= graceByQueue.getOrDefault(q, defaultMs),
                        q -> q.equals(aerialQueue), done, maxRequeues);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "sqs-release-on-shutdown");
        t.setDaemon(true);
        t.start();
        LOG.info("shutdown: SQS messages still in flight after {} ms (queues {}) are given back to their queue",
                defaultMs, graceByQueue.isEmpty() ? "all" : "other than " + graceByQueue + " ms");
    }

    private static String property(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key).orElse(null);
    }

    /**
     * Gives back the SQS messages of the exchanges in flight whose queue's grace is over ({@code due}); stops the
     * GDAL programs when one of them came from a queue in {@code stopChildrenOf}. Returns how many were released.
     */
    static int release(CamelContext context, java.util.function.Predicate<String> due,
                       java.util.function.Predicate<String> stopChildrenOf, Set<String> done, int maxRequeues) {
        int released = 0;
        boolean stopChildren = false;
        for (InflightRepository.InflightExchange in : context.getInflightRepository().browse()) {
            Exchange ex = in.getExchange();
            if (!(ex.getFromEndpoint() instanceof Sqs2Endpoint endpoint)) {
                continue;
            }
            String queue = endpoint.getConfiguration().getQueueName();
            // a split's parts carry the message's receipt handle too: one release per message
            String handle = ex.getIn().getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class);
            if (handle == null || done.contains(handle) || !due.test(queue)) {
                continue;
            }
            done.add(handle);
            try {
                SqsClient sqs = endpoint.getClient();
                String url = endpoint.getConfiguration().getQueueUrl() != null ? endpoint.getConfiguration().getQueueUrl()
                        : sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
                String body = ex.getProperty(BODY_PROPERTY, String.class);
                Integer n = ex.getProperty(REQUEUES_PROPERTY, Integer.class);
                int requeues = n == null ? 0 : n;
                String how;
                if (body != null && requeues < maxRequeues) {
                    sqs.sendMessage(r -> r.queueUrl(url).messageBody(body).messageAttributes(Map.of(REQUEUES_ATTRIBUTE,
                            MessageAttributeValue.builder().dataType("Number").stringValue(String.valueOf(requeues + 1))
                                    .build())));
                    sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(handle));
                    how = "sent again as a new message (re-send " + (requeues + 1) + " of " + maxRequeues
                            + "; this stop does not count against the DLQ's receive budget)";
                } else {
                    sqs.changeMessageVisibility(r -> r.queueUrl(url).receiptHandle(handle).visibilityTimeout(0));
                    how = "made visible again (counts as a receive)";
                }
                released++;
                stopChildren |= stopChildrenOf.test(queue);
                LOG.warn("shutdown: message {} of {} not finished after {} s: {} for another replica",
                        ex.getIn().getHeader(Sqs2Constants.MESSAGE_ID), queue,
                        TimeUnit.MILLISECONDS.toSeconds(in.getElapsed()), how);
            } catch (RuntimeException e) {
                LOG.warn("shutdown: could not release message {}: {}", ex.getIn().getHeader(Sqs2Constants.MESSAGE_ID),
                        e.toString());
            }
        }
        if (stopChildren) {
            stopGdalPrograms();
        }
        return released;
    }

    /** Released aerial jobs: their GDAL programs would only burn the CPU the remaining work needs. */
    private static void stopGdalPrograms() {
        stoppedChildren = true;
        ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse(p.info().command().orElse("")).contains("gdal"))
                .forEach(p -> {
                    LOG.warn("shutdown: stopping {} (pid {}): its message was given back", p.info().command()
                            .orElse("?"), p.pid());
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                });
    }
}
