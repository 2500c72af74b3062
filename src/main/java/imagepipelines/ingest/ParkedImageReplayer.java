package imagepipelines.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import imagepipelines.aws.S3Objects;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Moves parked images back to the ingestion bucket under the same key, page by page. Copy first, delete second:
 * a crash in between leaves the image in both places, never in none, and a second replay finishes the move.
 * An ingestion key that holds an upload already (sent again after maintenance ended, not yet processed) is not
 * replaced: that parked image waits for the next replay (reported as {@code waiting}).
 */
public final class ParkedImageReplayer {

    private static final int LISTED = 25;

    private final S3Client s3;
    private final String parkingLot;
    private final String ingestion;
    private final MaintenanceSwitch maintenance;

    public ParkedImageReplayer(S3Client s3, String parkingLot, String ingestion, MaintenanceSwitch maintenance) {
        this.s3 = s3;
        this.parkingLot = parkingLot;
        this.ingestion = ingestion;
        this.maintenance = maintenance;
    }

    public Map<String, Object> replay() {
        int moved = 0;
        List<String> waiting = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(parkingLot).maxKeys(500)).contents()) {
            // the flag and other control objects (route toggles) stay where they are
            if (maintenance.isFlagKey(o.key()) || o.key().startsWith("_control/")) {
                continue;
            }
            if (S3Objects.exists(s3, ingestion, o.key())) {
                waiting.add(o.key());
                continue;
            }
            try {
                // If-None-Match: an upload arriving under this key meanwhile is not replaced either (on S3; the
                // local s3proxy ignores the header on copies, the check above is what it gets)
                s3.copyObject(r -> r.sourceBucket(parkingLot).sourceKey(o.key())
                        .destinationBucket(ingestion).destinationKey(o.key()).ifNoneMatch("*"));
                s3.deleteObject(r -> r.bucket(parkingLot).key(o.key()));
                moved++;
            } catch (NoSuchKeyException gone) {
                // another replica's replay took it
            } catch (S3Exception e) {
                if (e.statusCode() != 412 && e.statusCode() != 409) {
                    throw e;
                }
                waiting.add(o.key());
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("replayed", moved);
        result.put("from", parkingLot);
        result.put("to", ingestion);
        if (!waiting.isEmpty()) {
            result.put("waiting", waiting.size());
            result.put("waitingKeys", waiting.subList(0, Math.min(LISTED, waiting.size())));
            result.put("note", "these keys hold an upload in the ingestion bucket already; replay again once it is"
                    + " processed");
        }
        return result;
    }
}
