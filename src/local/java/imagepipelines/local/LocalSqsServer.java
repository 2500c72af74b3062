package imagepipelines.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.CreateQueueMetadata;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import scala.Option;

/**
 * A real-protocol SQS server (ElasticMQ) in this JVM, on loopback. With a store file, queues and messages (with their
 * receive counts and visibility) are kept in an H2 database there, as ElasticMQ's own server does with
 * {@code messages-storage}, so they outlive a restart of the server (the fault suite restarts it mid-run).
 */
public final class LocalSqsServer implements AutoCloseable {

    private final SQSRestServer server;
    private final ActorSystem system;
    private final int port;

    public LocalSqsServer(int port) throws Exception {
        this(port, null);
    }

    public LocalSqsServer(int port, Path store) throws Exception {
        this.port = port > 0 ? port : LoopbackPorts.free();
        if (store == null) {
            system = null;
            server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(this.port).withAWSRegion("us-east-1").start();
            server.waitUntilStarted();
            return;
        }
        system = ActorSystem.create("local-sqs");
        SqlQueuePersistenceConfig config = new SqlQueuePersistenceConfig(true, "org.h2.Driver",
                "jdbc:h2:file:" + store.toAbsolutePath(), "sa", "", false);
        @SuppressWarnings("unchecked")
        scala.collection.immutable.List<CreateQueueMetadata> none =
                (scala.collection.immutable.List<CreateQueueMetadata>) (Object) scala.collection.immutable.Nil$.MODULE$;
        ActorRef persistence = system.actorOf(Props.create(SqlQueuePersistenceActor.class,
                () -> new SqlQueuePersistenceActor(config, none)));
        ActorRef queues = system.actorOf(Props.create(QueueManagerActor.class,
                () -> new QueueManagerActor(new NowProvider(), StrictSQSLimits$.MODULE$, Option.apply(persistence))));
        server = SQSRestServerBuilder.withActorSystem(system).withQueueManagerActor(queues)
                .withQueueEventListener(persistence).withInterface("127.0.0.1").withPort(this.port)
                .withAWSRegion("us-east-1").start();
        server.waitUntilStarted();
        // the queues and messages of the previous run back into the queue manager before anyone calls
        Patterns.ask(persistence, new QueueEvent.Restore(queues), Duration.ofSeconds(30))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        server.stopAndWait();
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
