package imagepipelines.aerial;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one upload on its way through the aerial routes, kept in the exchange property {@code aerial}
 * (never in headers: they would travel with S3 calls). Each stage route fills in its part.
 */
public class AerialJob {

    /** What an object of the imagery bucket is to the pipeline. */
    public enum Kind {
        /** {@code .../georef/<file>.tif}: starts the pipeline */
        GEOREF,
        /** {@code .../scanned/<file>.tif}: kept as it is, made public-read */
        SCANNED,
        /**
         * {@code .../cog/<file>.tif}: a COG in the bucket; indexed when it was put there by hand (the pipeline's
         * own carry {@code source-etag}), removed from the index when deleted
         */
        COG,
        /** written by this pipeline (tile-index downloads under {@code cog/}, {@code errors/}, {@code mapfiles/}) */
        OUTPUT,
        /** does not follow the key layout: an error record */
        INVALID
    }

    private final String bucket;
    private final String rawKey;
    private final Kind kind;
    private final AerialKey key;
    private final String keyProblem;

    private String etag;
    private long size = -1;
    private Path scratchDir;
    private String source;
    private Path localSource;
    private RasterInfo sourceInfo;
    private final Map<String, Object> plan = new LinkedHashMap<>();
    private final List<List<String>> commands = new ArrayList<>();
    private Path warpedFile;
    private Path cogFile;
    private CogValidator.Result validation;
    private RasterInfo cogInfo;
    private int indexRows = -1;
    private String failedStage;
    private final List<String> notes = new ArrayList<>();

    AerialJob(String bucket, String rawKey, Kind kind, AerialKey key, String keyProblem) {
        this.bucket = bucket;
        this.rawKey = rawKey;
        this.kind = kind;
        this.key = key;
        this.keyProblem = keyProblem;
    }

    public String bucket() {
        return bucket;
    }

    /** The object key as uploaded. */
    public String rawKey() {
        return rawKey;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isKind(String name) {
        return kind.name().equalsIgnoreCase(name);
    }

    /** The parsed key; null for OUTPUT/INVALID keys that do not parse. */
    public AerialKey key() {
        return key;
    }

    /** Why the key does not follow the layout (INVALID only). */
    public String keyProblem() {
        return keyProblem;
    }

    public String cogKey() {
        return key == null ? null : key.withStage(AerialKey.Stage.COG).key();
    }

    public String etag() {
        return etag;
    }

    void etag(String v) {
        etag = v;
    }

    public long size() {
        return size;
    }

    void size(long v) {
        size = v;
    }

    public Path scratchDir() {
        return scratchDir;
    }

    void scratchDir(Path v) {
        scratchDir = v;
    }

    /** What GDAL reads: {@code /vsis3/<bucket>/<key>} or the downloaded copy. */
    public String source() {
        return source;
    }

    void source(String v) {
        source = v;
    }

    public Path localSource() {
        return localSource;
    }

    public void localSource(Path v) {
        localSource = v;
        source = v.toString();
    }

    public RasterInfo sourceInfo() {
        return sourceInfo;
    }

    void sourceInfo(RasterInfo v) {
        sourceInfo = v;
    }

    /** What the stage routes decided (reprojection, bands, compression, overviews), for logs and reports. */
    public Map<String, Object> plan() {
        return plan;
    }

    /** The GDAL command of the stage running now (or the last one run); empty before the first. */
    public List<String> command() {
        return commands.isEmpty() ? List.of() : commands.get(commands.size() - 1);
    }

    /** Every GDAL command run for this upload, in order (gdalwarp into scratch, gdal_translate -of COG). */
    public List<List<String>> commands() {
        return List.copyOf(commands);
    }

    void command(List<String> v) {
        commands.add(List.copyOf(v));
    }

    /** The scratch GeoTIFF gdalwarp wrote (uncompressed), or null when the source needed no warp. */
    public Path warpedFile() {
        return warpedFile;
    }

    void warpedFile(Path v) {
        warpedFile = v;
    }

    public Path cogFile() {
        return cogFile;
    }

    void cogFile(Path v) {
        cogFile = v;
    }

    public CogValidator.Result validation() {
        return validation;
    }

    void validation(CogValidator.Result v) {
        validation = v;
    }

    public RasterInfo cogInfo() {
        return cogInfo;
    }

    void cogInfo(RasterInfo v) {
        cogInfo = v;
    }

    public int indexRows() {
        return indexRows;
    }

    void indexRows(int v) {
        indexRows = v;
    }

    public String failedStage() {
        return failedStage;
    }

    public void failedStage(String v) {
        failedStage = v;
    }

    public List<String> notes() {
        return notes;
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + rawKey;
    }
}
