package imagepipelines.ingest.bulk;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import imagepipelines.aws.S3Objects;
import imagepipelines.ingest.S3EventParser;
import imagepipelines.ingest.UploadKey;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Gives a batch's dead letters another try ({@code POST /batches/{id}/redrive}, {@code bin/image-pipelines
 * redrive-batch}):
 * <ol>
 * <li>messages in the ingest queue's dead-letter queue whose S3 event records are all for the batch (keys under
 * {@code <batchId>/}, or the batch's zip) are sent back to the ingest queue and then deleted from the DLQ; every other
 * message is left there (made visible again at once);</li>
 * <li>images in the dead-letter bucket whose metadata ({@code source-bucket}, {@code source-key}, written by the
 * dead-letter route) says they came from {@code <batchId>/} in the ingestion bucket go back there under their
 * original key; their failed markers are removed so the batch's progress counts them as in flight again.</li>
 * </ol>
 * The batch record is reopened first when anything is moved, so the tracker records processingEnd again once the
 * images are done (and an image that fails again is counted as failed again).
 *
 * <p>A dead-lettered image is first moved inside the dead-letter bucket to {@code _control/redrive/<batchId>/} and
 * then copied to the ingestion bucket: once it is back in ingestion nothing here deletes a dead letter any more, so
 * an image that fails again at once keeps its new dead letter. Copy first, delete second at every step; a run that
 * stopped half-way is finished by the next one. Running it twice does no harm: the second run finds nothing.
 */
public final class BatchRedrive {

    private static final String STAGING = "_control/redrive/";

    private final S3Client s3;
    private final SqsClient sqs;
    private final BatchBook book;
    private final S3EventParser events = new S3EventParser();
    private final String ingestion;
    private final String deadLetter;
    private final String queue;
    private final String deadLetterQueue;

    public BatchRedrive(S3Client s3, SqsClient sqs, BatchBook book, String ingestion, String deadLetter, String queue,
                        String deadLetterQueue) {
        this.s3 = s3;
        this.sqs = sqs;
        this.book = book;
        this.ingestion = ingestion;
        this.deadLetter = deadLetter;
        this.queue = queue;
        this.deadLetterQueue = deadLetterQueue;
    }

    /** What was moved, as a JSON-able map; null when {@code batchId} is not a batch id. */
    public Map<String, Object> redrive(String batchId) throws IOException {
        if (!BatchBook.isBatchId(batchId)) {
            return null;
        }
        List<HeadedObject> deadLetters = findDeadLetters(batchId);
        List<S3Object> staged = s3.listObjectsV2Paginator(r -> r.bucket(deadLetter).prefix(staging(batchId)))
                .contents().stream().toList();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("batch", batchId);
        String record = "unchanged";

        SqsScan scan = scanDeadLetterQueue(batchId);
        boolean moving = !deadLetters.isEmpty() || !staged.isEmpty() || !scan.ours.isEmpty();
        if (moving) {
            record = book.beginRedrive(batchId);
        }
        try {
            return move(batchId, deadLetters, scan, result, record);
        } finally {
            if (moving) {
                book.endRedrive(batchId);
            }
        }
    }

    private Map<String, Object> move(String batchId, List<HeadedObject> deadLetters, SqsScan scan,
                                     Map<String, Object> result, String record) {
        List<Map<String, Object>> messages = new ArrayList<>();
        int leftInDlq = 0;
        try {
            for (Message m : scan.ours) {
                // send first, delete second: a crash in between sends it twice, which the intake takes in its stride
                sqs.sendMessage(r -> r.queueUrl(scan.queueUrl).messageBody(m.body()));
                sqs.deleteMessage(r -> r.queueUrl(scan.dlqUrl).receiptHandle(m.receiptHandle()));
                Map<String, Object> moved = new LinkedHashMap<>();
                moved.put("messageId", m.messageId());
                moved.put("keys", records(m).stream().map(UploadKey::key).toList());
                messages.add(moved);
            }
        } finally {
            for (Message m : scan.others) {
                sqs.changeMessageVisibility(r -> r.queueUrl(scan.dlqUrl).receiptHandle(m.receiptHandle())
                        .visibilityTimeout(0));
                leftInDlq++;
            }
        }

        List<Map<String, Object>> images = new ArrayList<>();
        for (HeadedObject d : deadLetters) {
            // into the staging area (metadata kept: it names the original key), no longer counted as failed
            String stagingKey = staging(batchId) + md5(d.sourceKey);
            s3.copyObject(r -> r.sourceBucket(deadLetter).sourceKey(d.key).destinationBucket(deadLetter)
                    .destinationKey(stagingKey).metadataDirective(MetadataDirective.COPY));
            book.clearFailed(UploadKey.parse(ingestion, d.sourceKey));
            s3.deleteObject(r -> r.bucket(deadLetter).key(d.key));
            Map<String, Object> moved = new LinkedHashMap<>();
            moved.put("from", d.key);
            moved.put("to", d.sourceKey);
            moved.put("reason", d.head.metadata().get("error-reason"));
            images.add(moved);
        }
        List<String> alreadyThere = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(deadLetter).prefix(staging(batchId))).contents()) {
            var head = S3Objects.head(s3, deadLetter, o.key());
            if (head.isEmpty()) {
                continue; // another run moved it meanwhile
            }
            String original = sourceKey(head.get());
            if (original == null) {
                continue;
            }
            if (S3Objects.exists(s3, ingestion, original)) {
                // uploaded again meanwhile: that upload is the one to ingest
                alreadyThere.add(original);
            } else {
                String type = original.toLowerCase(Locale.ROOT).endsWith(".png") ? "image/png" : "image/jpeg";
                s3.copyObject(r -> r.sourceBucket(deadLetter).sourceKey(o.key()).destinationBucket(ingestion)
                        .destinationKey(original).metadataDirective(MetadataDirective.REPLACE).metadata(Map.of())
                        .contentType(type));
            }
            s3.deleteObject(r -> r.bucket(deadLetter).key(o.key()));
            if (deadLetters.stream().noneMatch(d -> d.sourceKey.equals(original))) {
                Map<String, Object> moved = new LinkedHashMap<>();
                moved.put("from", o.key());
                moved.put("to", original);
                moved.put("reason", "left half-way by an earlier redrive");
                images.add(moved);
            }
        }

        result.put("deadLetters", images);
        result.put("alreadyInIngestion", alreadyThere);
        result.put("messages", messages);
        result.put("messagesLeftInDeadLetterQueue", leftInDlq);
        if (scan.note != null) {
            result.put("queue", scan.note);
        }
        result.put("batchRecord", record);
        result.put("ingestionBucket", ingestion);
        result.put("deadLetterBucket", deadLetter);
        result.put("deadLetterQueue", deadLetterQueue);
        return result;
    }

    /** The batch's images in the dead-letter bucket, found by their metadata (their keys do not name the batch). */
    private List<HeadedObject> findDeadLetters(String batchId) {
        List<HeadedObject> out = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(deadLetter)).contents()) {
            String k = o.key();
            if (k.startsWith("_control/") || k.startsWith("BAD_ARCHIVE/") || k.startsWith("REPEATED_BATCH_UPLOAD/")
                    || deadLetter.equals(book.bucket()) && k.startsWith(book.prefix())) {
                continue;
            }
            var head = S3Objects.head(s3, deadLetter, k);
            if (head.isEmpty()) {
                continue;
            }
            String source = sourceKey(head.get());
            if (source != null && source.startsWith(batchId + "/")) {
                out.add(new HeadedObject(k, head.get(), source));
            }
        }
        return out;
    }

    /** The original ingestion key of a dead letter, or null when it came from elsewhere. */
    private String sourceKey(HeadObjectResponse head) {
        Map<String, String> meta = head.metadata();
        String key = meta.get("source-key");
        if (key == null || !ingestion.equals(meta.get("source-bucket"))) {
            return null;
        }
        return URLDecoder.decode(key, StandardCharsets.UTF_8);
    }

    private record HeadedObject(String key, HeadObjectResponse head, String sourceKey) {
    }

    /** Messages of the DLQ received (and so hidden) while they are sorted into the batch's and the others. */
    private static final class SqsScan {
        String queueUrl;
        String dlqUrl;
        String note;
        final List<Message> ours = new ArrayList<>();
        final List<Message> others = new ArrayList<>();
    }

    private SqsScan scanDeadLetterQueue(String batchId) {
        SqsScan scan = new SqsScan();
        try {
            scan.dlqUrl = sqs.getQueueUrl(r -> r.queueName(deadLetterQueue)).queueUrl();
            scan.queueUrl = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        } catch (QueueDoesNotExistException e) {
            scan.note = "queue " + (scan.dlqUrl == null ? deadLetterQueue : queue) + " does not exist: no messages moved";
            return scan;
        }
        // received messages stay hidden (5 min) until sorted, so each is seen once; an empty answer ends the scan
        while (true) {
            List<Message> got = sqs.receiveMessage(r -> r.queueUrl(scan.dlqUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).visibilityTimeout(300)).messages();
            if (got.isEmpty()) {
                return scan;
            }
            for (Message m : got) {
                List<UploadKey> records = records(m);
                boolean ours = !records.isEmpty() && records.stream()
                        .allMatch(u -> ingestion.equals(u.bucket()) && belongs(u.key(), batchId));
                (ours ? scan.ours : scan.others).add(m);
            }
        }
    }

    /** The uploads a message announces; none when it is not an S3 event notification. */
    private List<UploadKey> records(Message m) {
        try {
            return events.parse(m.body());
        } catch (IOException | RuntimeException notAnEvent) {
            return List.of();
        }
    }

    private static boolean belongs(String key, String batchId) {
        return key.startsWith(batchId + "/") || batchId.equals(BulkPlanner.batchIdOf(key));
    }

    private static String staging(String batchId) {
        return STAGING + batchId + "/";
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
