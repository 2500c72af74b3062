package imagepipelines.aerial;

/**
 * Names the aerial outputs share, and the two calls {@code aerial-error-record.yaml} makes as {@code aerialSteps}
 * (kept until that route is wired to {@link ScratchSpace} and {@link UploadLedger} directly). The steps themselves
 * are small beans wired in {@code aerial-beans.yaml}: {@link UploadClassifier}, {@link UploadLedger},
 * {@link ScratchSpace}, {@link SourceDownloader}, {@link SourceInspector}, {@link CogPlanner}, {@link GdalExit},
 * {@link CogCheck}, {@link PublicObjects}, {@link TileIndexPublisher}, {@link MapfileComposer}.
 */
public class AerialSteps {

    /** S3 user metadata on every output: the ETag of the upload it was made from (skips a repeated upload). */
    public static final String SOURCE_ETAG = "source-etag";
    public static final String SOURCE_KEY = "source-key";

    private final ScratchSpace scratch;
    private final UploadLedger ledger;

    public AerialSteps(ScratchSpace scratch, UploadLedger ledger) {
        this.scratch = scratch;
        this.ledger = ledger;
    }

    /** {@code errors/<key>.json} */
    public static String errorRecordKey(String key) {
        return "errors/" + key + ".json";
    }

    /** {@code base} + the key, each segment URL-encoded (space as %20). */
    public static String urlUnder(String base, String key) {
        return CogLocations.urlUnder(base, key);
    }

    public void cleanup(AerialJob job) {
        scratch.cleanup(job);
    }

    public void markDone(AerialJob job) {
        ledger.markDone(job);
    }
}
