package imagepipelines.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

/** The local stack's S3 or SQS server restarted alone keeps its objects, queues and messages (fault suite, scenario 3). */
class LocalStackRestartTest {

    @TempDir
    Path dir;

    @Test
    void messagesAndQueuesSurviveARestartOfThePersistentSqsServer() throws Exception {
        try (LocalStack stack = new LocalStack(dir, 0, 0, 0, Map.of(), true)) {
            String url = LocalStack.createQueueWithDeadLetter(stack.sqs(), "restart-me", 5, 30);
            for (int i = 0; i < 3; i++) {
                int n = i;
                stack.sqs().sendMessage(r -> r.queueUrl(url).messageBody("message " + n));
            }
            // one in flight at the restart: it comes back after its visibility, not lost
            stack.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(1).visibilityTimeout(2));

            stack.stopSqs();
            stack.startSqs();

            String again = stack.sqs().getQueueUrl(r -> r.queueName("restart-me")).queueUrl();
            assertEquals(url, again);
            Thread.sleep(2500);
            List<String> bodies = new java.util.ArrayList<>();
            for (int round = 0; round < 5 && bodies.size() < 3; round++) {
                for (Message m : stack.sqs().receiveMessage(r -> r.queueUrl(again).maxNumberOfMessages(10)
                        .waitTimeSeconds(1)).messages()) {
                    bodies.add(m.body());
                }
            }
            bodies.sort(null);
            assertEquals(List.of("message 0", "message 1", "message 2"), bodies);
        }
    }

    @Test
    void s3ServerRestartedAloneKeepsItsObjects() throws Exception {
        try (LocalStack stack = new LocalStack(dir, 0, 0, 0, Map.of(), false)) {
            stack.createBuckets(List.of("kept"));
            stack.s3().putObject(r -> r.bucket("kept").key("k"), software.amazon.awssdk.core.sync.RequestBody.fromString("v"));
            stack.stopS3();
            org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> stack.s3().headObject(r -> r.bucket("kept").key("k")));
            stack.startS3();
            assertEquals("v", stack.s3().getObjectAsBytes(r -> r.bucket("kept").key("k")).asUtf8String());
        }
    }
}
