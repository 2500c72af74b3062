package imagepipelines.ingest;

import imagepipelines.aws.NoOverwriteCopy;

/**
 * Maintenance mode: copies an upload to the parking lot under the same key (CONTRACTS §1). A parked object of a
 * different upload with that key (the same camera file name sent twice while maintenance lasted) is never replaced:
 * the second one is parked beside it as {@code <name>~<etag12>.<ext>} and is replayed, and ingested, under that
 * name. Parking the same upload again (a re-run after a crash) writes nothing.
 */
public final class ParkUpload {

    private final NoOverwriteCopy copier;
    private final String parkingLot;

    public ParkUpload(NoOverwriteCopy copier, String parkingLot) {
        this.copier = copier;
        this.parkingLot = parkingLot;
    }

    /** The key the upload is parked under. */
    public String park(UploadKey upload) {
        return copier.copy(upload.bucket(), upload.key(), null, parkingLot, upload.key(), null, null).key();
    }
}
