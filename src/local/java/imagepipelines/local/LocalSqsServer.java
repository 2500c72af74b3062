package imagepipelines.local;

import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/** A real-protocol SQS server (ElasticMQ) in this JVM, on loopback. */
public final class LocalSqsServer implements AutoCloseable {

    private final SQSRestServer server;
    private final int port;

    public LocalSqsServer(int port) throws Exception {
        this.port = port > 0 ? port : LoopbackPorts.free();
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(this.port).withAWSRegion("us-east-1").start();
        server.waitUntilStarted();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
