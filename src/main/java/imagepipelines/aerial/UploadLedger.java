package imagepipelines.aerial;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import imagepipelines.aws.S3Objects;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Which uploads are still to do. Every output carries its upload's ETag ({@link #SOURCE_ETAG}), so a
 * repeated event or a listing after a restart changes nothing; within a run the uploads settled (COG stored or
 * error record written) are remembered without bound, so the poller's listing leaves them out even when the
 * route's idempotent repository (an LRU cache) has forgotten them.
 */
public class UploadLedger {

    /** S3 user metadata on every output: the ETag of the upload it was made from (skips a repeated upload). */
    public static final String SOURCE_ETAG = "source-etag";
    public static final String SOURCE_KEY = "source-key";

    /**
     * s3proxy's filesystem backend writes an object to {@code <key>-<random UUID>} and renames it when complete;
     * a listing during the write shows that file. Real S3 never lists an object before it is complete.
     */
    private static final Pattern IN_PROGRESS_WRITE = Pattern.compile(
            ".*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final S3Client s3;
    private final String bucket;
    private final UploadClassifier classifier;
    private final TileIndexPublisher tileIndex;
    /** key + ETag of uploads settled in this process */
    private final Set<String> settled = ConcurrentHashMap.newKeySet();

    public UploadLedger(S3Client s3, String bucket, UploadClassifier classifier, TileIndexPublisher tileIndex) {
        this.s3 = s3;
        this.bucket = bucket;
        this.classifier = classifier;
        this.tileIndex = tileIndex;
    }

    /**
     * The objects of the imagery bucket the pipeline may have to look at (what it writes itself is left out,
     * and so are a local S3 server's half-written objects), all pages of the listing. For the poller.
     */
    public List<S3Object> listUploads() {
        List<S3Object> out = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()) {
            if (classifier.classify(bucket, o.key()).kind() != AerialJob.Kind.OUTPUT
                    && !IN_PROGRESS_WRITE.matcher(o.key()).matches() && !settled.contains(o.key() + "\n" + o.eTag())) {
                out.add(o);
            }
        }
        return out;
    }

    /** Reads the upload's size and ETag; false when it is gone (a repeated event for a deleted object). */
    public boolean begin(AerialJob job) {
        Optional<HeadObjectResponse> h = S3Objects.head(s3, job.bucket(), job.rawKey());
        h.ifPresent(head -> {
            job.etag(head.eTag());
            job.size(head.contentLength());
        });
        return h.isPresent();
    }

    /**
     * Whether this very upload (same key, same ETag) was handled already: its COG (indexed, mapfile written), or
     * its error record, carries its ETag.
     */
    public boolean alreadyDone(AerialJob job) {
        if (job.etag() == null) {
            return false;
        }
        boolean done = job.kind() == AerialJob.Kind.GEOREF && job.etag().equals(etagOf(job.cogKey()))
                && tileIndex.has(job) && S3Objects.exists(s3, bucket, job.key().mapfileKey())
                || job.etag().equals(etagOf(AerialErrorRecords.key(job.rawKey())));
        if (done) {
            markDone(job);
        }
        return done;
    }

    /** Whether a COG under {@code cog/} was written by this pipeline (it carries its upload's ETag). */
    public boolean madeByPipeline(AerialJob job) {
        return etagOf(job.rawKey()) != null;
    }

    /** Remembers that this upload (key + ETag) is done, so the poller does not look at it again. */
    public void markDone(AerialJob job) {
        if (job != null && job.etag() != null) {
            settled.add(job.rawKey() + "\n" + job.etag());
        }
    }

    private String etagOf(String key) {
        try {
            return s3.headObject(r -> r.bucket(bucket).key(key)).metadata().get(SOURCE_ETAG);
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }
}
