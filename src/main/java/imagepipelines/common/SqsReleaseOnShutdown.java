package imagepipelines.common;

import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.component.aws2.sqs.Sqs2Endpoint;
import org.apache.camel.spi.InflightRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * On shutdown (SIGTERM), shortly before Camel's graceful shutdown times out, every SQS message still being worked on
 * is made visible again (ChangeMessageVisibility 0), so another replica takes it at once instead of after the rest
 * of its visibility timeout (720 s ingest, 3600 s aerial, 900 s faces). Messages that finish in time are deleted as
 * usual.
 */
public final class SqsReleaseOnShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(SqsReleaseOnShutdown.class);
    /** released this long before the shutdown timeout, leaving time for the calls */
    static final long MARGIN_MS = 2000;

    private SqsReleaseOnShutdown() {
    }

    /** Called as the application starts to stop: arms the release for shortly before the shutdown timeout. */
    public static void arm(CamelContext context) {
        if (context == null) {
            return;
        }
        long timeoutMs = context.getShutdownStrategy().getTimeUnit().toMillis(context.getShutdownStrategy().getTimeout());
        long delayMs = Math.max(500, timeoutMs - MARGIN_MS);
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                return;
            }
            release(context);
        }, "sqs-release-on-shutdown");
        t.setDaemon(true);
        t.start();
        LOG.info("shutdown: SQS messages still in flight after {} ms are made visible again", delayMs);
    }

    /** Makes the SQS messages of the exchanges still in flight visible again; returns how many. */
    static int release(CamelContext context) {
        int released = 0;
        // a split's parts carry the message's receipt handle too: one call per message
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (InflightRepository.InflightExchange in : context.getInflightRepository().browse()) {
            Exchange ex = in.getExchange();
            if (!(ex.getFromEndpoint() instanceof Sqs2Endpoint endpoint)) {
                continue;
            }
            String handle = ex.getIn().getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class);
            if (handle == null || !seen.add(handle)) {
                continue;
            }
            try {
                SqsClient sqs = endpoint.getClient();
                String url = endpoint.getConfiguration().getQueueUrl() != null ? endpoint.getConfiguration().getQueueUrl()
                        : sqs.getQueueUrl(r -> r.queueName(endpoint.getConfiguration().getQueueName())).queueUrl();
                sqs.changeMessageVisibility(r -> r.queueUrl(url).receiptHandle(handle)
                        .visibilityTimeout(0));
                released++;
                LOG.warn("shutdown: message {} of {} not finished after {} s: made visible again for another replica",
                        ex.getIn().getHeader(Sqs2Constants.MESSAGE_ID), endpoint.getConfiguration().getQueueName(),
                        TimeUnit.MILLISECONDS.toSeconds(in.getElapsed()));
            } catch (RuntimeException e) {
                LOG.warn("shutdown: could not release message {}: {}", ex.getIn().getHeader(Sqs2Constants.MESSAGE_ID),
                        e.toString());
            }
        }
        return released;
    }
}
