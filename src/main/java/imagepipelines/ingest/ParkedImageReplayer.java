package imagepipelines.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Moves parked images back to the ingestion bucket under the same key, page by page. Copy first, delete second:
 * a crash in between leaves the image in both places, never in none, and a second replay finishes the move.
 */
public final class ParkedImageReplayer {

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
        boolean found;
        do {
            // every listed image is moved before the next listing, so each listing starts where the last ended
            found = false;
            for (S3Object o : s3.listObjectsV2(r -> r.bucket(parkingLot).maxKeys(500)).contents()) {
                if (maintenance.isFlagKey(o.key())) {
                    continue;
                }
                found = true;
                try {
                    s3.copyObject(r -> r.sourceBucket(parkingLot).sourceKey(o.key())
                            .destinationBucket(ingestion).destinationKey(o.key()));
                    s3.deleteObject(r -> r.bucket(parkingLot).key(o.key()));
                    moved++;
                } catch (NoSuchKeyException gone) {
                    // another replica's replay took it
                }
            }
        } while (found);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("replayed", moved);
        result.put("from", parkingLot);
        result.put("to", ingestion);
        return result;
    }
}
