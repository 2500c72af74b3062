package imagepipelines.aerial;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.apache.camel.Exchange;
import org.apache.camel.component.exec.ExecBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import imagepipelines.aws.S3Objects;

/**
 * What the aerial routes call, one method per step (CONTRACTS.md §3). The routes keep the order, the error
 * handling and the S3 writes; the GDAL work is {@link CogCommand}'s two commands (gdalwarp into scratch when
 * needed, then gdal_translate -of COG) run through camel-exec, the inspection and validation are
 * {@link RasterInspector} and {@link CogValidator}.
 */
public class AerialSteps {

    private static final Logger LOG = LoggerFactory.getLogger(AerialSteps.class);

    /** S3 user metadata on every output: the ETag of the upload it was made from (skips a repeated upload). */
    public static final String SOURCE_ETAG = "source-etag";
    public static final String SOURCE_KEY = "source-key";

    private final S3Client s3;
    /** key + ETag of uploads done in this process (COG stored or error record written): the poller skips them */
    private final java.util.Set<String> settled = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final RasterInspector inspector;
    private final TileIndexStore tileIndex;
    /** GDAL's COG rules, checked in-process (CogLayoutCheck): Python's start-up was most of the script's time. */
    private final CogValidator validator = CogValidator.inProcess();
    private String bucket;
    private Path scratchRoot = Path.of(System.getProperty("java.io.tmpdir"), "image-pipelines", "aerial");
    private boolean readFromS3 = false;
    private String publicBaseUrl;
    private String mapfileConnection = "service=aerial";
    private MapfilePublication mapfiles = new MapfilePublication();
    private LocationForm locationForm = LocationForm.VSICURL;
    private String downloadBaseUrl;
    private boolean aclEnabled = true;
    private boolean aclUnsupportedOk;
    private PublicReadAcl acl;
    private String reprojectResampling = CogCommand.DEFAULT_RESAMPLING;
    private int downloadParts = 4;
    /** Below this a part is not worth its own request. */
    static final long MIN_DOWNLOAD_PART = 8L << 20;
    /** The ranged GETs of downloads (daemon threads: nothing to wait for at shutdown). */
    private final ExecutorService downloads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "aerial-download");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param s3        the shared S3 client
     * @param s3Access  GDAL's S3 settings; applied to the in-process GDAL at once
     * @param tileIndex PostGIS or GeoPackage ({@link AerialTileIndexes})
     */
    public AerialSteps(S3Client s3, GdalS3Access s3Access, TileIndexStore tileIndex) {
        this.s3 = s3;
        s3Access.applyInProcess();
        this.inspector = new RasterInspector();
        this.tileIndex = tileIndex;
    }

    /** The imagery bucket (outputs and error records go here). */
    public void setBucket(String bucket) {
        this.bucket = bucket;
        if (publicBaseUrl == null) {
            publicBaseUrl = "https://" + bucket + ".s3.amazonaws.com";
        }
    }

    /** Scratch space: one folder per upload under {@code <dir>/aerial}, removed on success and failure. */
    public void setScratchDir(String dir) {
        this.scratchRoot = Path.of(dir, "aerial");
    }

    /** GDAL reads the upload through {@code /vsis3/}; false (default): it is downloaded to scratch first. */
    public void setReadFromS3(boolean readFromS3) {
        this.readFromS3 = readFromS3;
    }

    /** Ranged GETs at once when an upload is downloaded ({@code aerial.source.download-parts}). */
    public void setDownloadParts(int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("aerial.source.download-parts must be at least 1, not " + parts);
        }
        this.downloadParts = parts;
    }

    /** URL of the bucket for anonymous reads, e.g. {@code https://b.s3.us-west-2.amazonaws.com}. */
    public void setPublicBaseUrl(String url) {
        this.publicBaseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** libpq connection string the mapfile uses for PostGIS (no password: refused by {@link MapfileWriter}). */
    public void setMapfileConnection(String conninfo) {
        this.mapfileConnection = conninfo;
    }

    /** How the MapServer host sees the mapfiles (WMS URL, mount, error file, s3fs owner). */
    public void setMapfiles(MapfilePublication mapfiles) {
        this.mapfiles = mapfiles;
    }

    /** {@code vsicurl} (public-read bucket, anonymous HTTPS) or {@code vsis3} (private bucket). */
    public void setLocationForm(String form) {
        this.locationForm = LocationForm.parse(form);
    }

    /** Base of the {@code dl_*} download links (the original's CDN); empty: the public base URL. */
    public void setDownloadBaseUrl(String url) {
        this.downloadBaseUrl = url == null || url.isBlank() ? null
                : url.endsWith("/") ? url.substring(0, url.length() - 1) : url.trim();
    }

    /** Set public-read on scanned uploads and on the COGs. */
    public void setAclEnabled(boolean aclEnabled) {
        this.aclEnabled = aclEnabled;
    }

    /** An S3 server that does not implement ACLs (a local one) is logged, not an error. */
    public void setAclUnsupportedOk(boolean ok) {
        this.aclUnsupportedOk = ok;
    }

    /** gdalwarp's {@code -r} for the reprojection ({@code aerial.reproject.resampling}); checked at once. */
    public void setReprojectResampling(String method) {
        this.reprojectResampling = CogCommand.resampling(method);
    }

    public String reprojectResampling() {
        return reprojectResampling;
    }

    public String bucket() {
        return bucket;
    }

    public TileIndexStore tileIndex() {
        return tileIndex;
    }

    // ---- intake ----------------------------------------------------------------------------------------------

    /** What an object of the bucket is to the pipeline. */
    public AerialJob classify(String objectBucket, String key) {
        if (key == null || key.isEmpty() || key.endsWith("/") || key.startsWith("errors/")
                || key.startsWith("mapfiles/")) {
            return new AerialJob(objectBucket, key, AerialJob.Kind.OUTPUT, null, null);
        }
        String[] parts = key.split("/", -1);
        if (parts.length > 6 && "cog".equals(parts[4])) {
            // our own output (the tile-index downloads): reacting to it would loop
            return new AerialJob(objectBucket, key, AerialJob.Kind.OUTPUT, null, null);
        }
        try {
            AerialKey k = AerialKey.parse(key);
            AerialJob.Kind kind = switch (k.stage()) {
                case GEOREF -> AerialJob.Kind.GEOREF;
                case SCANNED -> AerialJob.Kind.SCANNED;
                case COG -> AerialJob.Kind.COG;
            };
            return new AerialJob(objectBucket, key, kind, k, null);
        } catch (InvalidAerialKeyException e) {
            if (parts.length == 6 && "cog".equals(parts[4])) {
                return new AerialJob(objectBucket, key, AerialJob.Kind.OUTPUT, null, null); // not ours to judge
            }
            return new AerialJob(objectBucket, key, AerialJob.Kind.INVALID, null, e.getMessage());
        }
    }

    /**
     * s3proxy's filesystem backend writes an object to {@code <key>-<random UUID>} and renames it when complete;
     * a listing during the write shows that file. Real S3 never lists an object before it is complete.
     */
    private static final java.util.regex.Pattern IN_PROGRESS_WRITE = java.util.regex.Pattern.compile(
            ".*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /**
     * The objects of the imagery bucket the pipeline may have to look at (what it writes itself is left out,
     * and so are a local S3 server's half-written objects), all pages of the listing. For the poller.
     */
    public List<S3Object> listUploads() {
        List<S3Object> out = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()) {
            if (classify(bucket, o.key()).kind() != AerialJob.Kind.OUTPUT && !IN_PROGRESS_WRITE.matcher(o.key()).matches()
                    && !settled.contains(o.key() + "\n" + o.eTag())) {
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
     * Whether this very upload (same key, same ETag) was handled already: its COG, or its error record, carries
     * its ETag. A repeated event or a bucket listing after a restart then changes nothing.
     */
    public boolean alreadyDone(AerialJob job) {
        if (job.etag() == null) {
            return false;
        }
        boolean done = job.kind() == AerialJob.Kind.GEOREF && job.etag().equals(etagOf(job.cogKey()))
                && indexed(job) && exists(job.key().mapfileKey())
                || job.etag().equals(etagOf(errorRecordKey(job.rawKey())));
        if (done) {
            markDone(job);
        }
        return done;
    }

    /** Whether the collection's tile index has the upload's row (a COG stored before an index outage has none). */
    private boolean indexed(AerialJob job) {
        String name = job.key().file();
        return index(() -> tileIndex.entries(job.key().collection()).stream().anyMatch(e -> e.name().equals(name)));
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

    /** {@code errors/<key>.json} */
    public static String errorRecordKey(String key) {
        return "errors/" + key + ".json";
    }

    /**
     * public-read on a scan, a COG or a tile-index download ({@link PublicReadAcl}: a bucket without ACLs is
     * reported once and left to its bucket policy).
     */
    public void makePublic(String objectBucket, String key) {
        if (acl == null) {
            acl = new PublicReadAcl(aclEnabled, aclUnsupportedOk);
        }
        acl.apply(s3, objectBucket, key);
    }

    // ---- the index follows the bucket ------------------------------------------------------------------------

    /** Whether a COG under {@code cog/} was written by this pipeline (it carries its upload's ETag). */
    public boolean madeByPipeline(AerialJob job) {
        return etagOf(job.rawKey()) != null;
    }

    /** A COG put straight into {@code cog/}: inspected where it is (in-process GDAL through /vsis3/). */
    public RasterInfo inspectCog(AerialJob job) {
        RasterInfo info = inspector.inspect(GdalS3Access.vsis3(job.bucket(), job.rawKey()), job.size());
        job.cogInfo(info);
        job.plan().put("cog", "put into cog/ directly: " + info.width() + "x" + info.height() + ", "
                + info.srsString());
        return info;
    }

    /**
     * A COG deleted from {@code cog/}: its row leaves the collection's index; false (nothing done) when the
     * object exists again (a later upload: its own event indexes it) or had no row.
     */
    public boolean removeFromIndex(AerialJob job) {
        if (exists(job.rawKey())) {
            return false;
        }
        AerialKey k = job.key();
        boolean removed = index(() -> tileIndex.remove(k.collection(), k.file()));
        job.indexRows(index(() -> tileIndex.entries(k.collection())).size());
        return removed;
    }

    // ---- source ----------------------------------------------------------------------------------------------

    /** Makes the upload's scratch folder; GDAL will read the upload from S3 unless the routes download it. */
    public void prepareScratch(AerialJob job) {
        try {
            Files.createDirectories(scratchRoot);
            job.scratchDir(Files.createTempDirectory(scratchRoot, "job-" + UUID.randomUUID().toString().substring(0, 8) + "-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create scratch space under " + scratchRoot, e);
        }
        if (readFromS3) {
            job.source(GdalS3Access.vsis3(job.bucket(), job.rawKey()));
        }
    }

    public boolean readsFromS3() {
        return readFromS3;
    }

    /**
     * Downloads the upload into its scratch folder (when GDAL does not read it from S3): {@code downloadParts}
     * ranged GETs at once (at least {@value #MIN_DOWNLOAD_PART} bytes each) written into one file, every one with
     * {@code If-Match} on the ETag that {@link #begin} read, so an object replaced meanwhile fails the download (S3
     * answers 412; retried, then left for the next event) instead of mixing two versions.
     */
    public void download(AerialJob job) {
        Path target = job.scratchDir().resolve("source").resolve(job.key().file());
        try {
            Files.createDirectories(target.getParent());
            long size = job.size();
            int parts = (int) Math.max(1, Math.min(downloadParts, size / MIN_DOWNLOAD_PART));
            if (parts == 1) {
                s3.getObject(r -> r.bucket(job.bucket()).key(job.rawKey()).ifMatch(job.etag()),
                        ResponseTransformer.toFile(target));
            } else {
                downloadInParts(job, target, size, parts);
            }
            if (Files.size(target) != size) {
                throw new IOException("downloaded " + Files.size(target) + " bytes of " + size);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("download of " + job + " into " + target + " failed", e);
        }
        job.localSource(target);
    }

    private void downloadInParts(AerialJob job, Path target, long size, int parts) throws IOException {
        long partSize = (size + parts - 1) / parts;
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            List<Future<Void>> running = new ArrayList<>();
            for (int i = 0; i < parts; i++) {
                long from = i * partSize;
                long to = Math.min(size, from + partSize) - 1;
                running.add(downloads.submit(() -> {
                    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(job.bucket())
                            .key(job.rawKey()).range("bytes=" + from + "-" + to).ifMatch(job.etag()))) {
                        byte[] buf = new byte[1 << 20];
                        long pos = from;
                        for (int n; (n = in.read(buf)) > 0; pos += n) {
                            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                            while (b.hasRemaining()) {
                                out.write(b, pos + b.position());
                            }
                        }
                        if (pos != to + 1) {
                            throw new IOException("range " + from + "-" + to + " ended at " + pos);
                        }
                    }
                    return null;
                }));
            }
            try {
                for (Future<Void> f : running) {
                    f.get();
                }
            } catch (ExecutionException e) {
                running.forEach(f -> f.cancel(true));
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re; // S3 and SDK client errors: the routes' error handling classifies them
                }
                throw new IOException(e.getCause());
            } catch (InterruptedException e) {
                running.forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("download interrupted");
            }
        }
    }

    // ---- stages ----------------------------------------------------------------------------------------------

    public RasterInfo inspect(AerialJob job) {
        RasterInfo info = job.localSource() != null ? inspector.inspect(job.localSource())
                : inspector.inspect(job.source(), job.size());
        job.sourceInfo(info);
        job.plan().put("source", info.driver() + " " + info.width() + "x" + info.height() + ", "
                + info.bandCount() + " band(s) " + bandTypes(info) + ", " + info.srsString());
        return info;
    }

    /**
     * Stage 1 decided: is the source reprojected to EPSG:3857 (how, to what size), and does it go through the
     * scratch warp. Called after stages 2 and 3 have accepted the source, so a source that will be refused is
     * never warped.
     */
    public void planReprojection(AerialJob job) {
        RasterInfo i = job.sourceInfo();
        int[] size = CogCommand.warpedSize(i, job.key().bandMode());
        String target = size[0] + "x" + size[1] + (size[0] == i.warpedWidth() && size[1] == i.warpedHeight() ? ""
                : " (gdalwarp's " + i.warpedWidth() + "x" + i.warpedHeight() + " widened for exact 2x overviews)")
                + ", warped into scratch";
        job.plan().put("reproject", i.is3857()
                ? (CogCommand.warps(i, job.key().bandMode()) ? "none (already EPSG:3857); nodata/alpha -> alpha band "
                + "on the same grid, warped into scratch" : "none (already EPSG:3857)")
                : (i.srsString().startsWith("EPSG:") ? i.srsString() : "source CRS") + " -> EPSG:3857, "
                + reprojectResampling + ", " + target);
    }

    /**
     * Stage 1 written: sets the job's command to the {@code gdalwarp} into an uncompressed tiled GeoTIFF in its
     * scratch folder; false (and no command) when the source needs no warp (EPSG:3857 already, nothing to mask):
     * then stage 4 reads the source.
     */
    public boolean prepareWarp(AerialJob job) {
        if (!CogCommand.warps(job.sourceInfo(), job.key().bandMode())) {
            return false;
        }
        // a folder of its own: the COG is written as <scratch>/<file>, and an upload may be called warped.tif
        Path warped = job.scratchDir().resolve("warp").resolve("warped.tif");
        try {
            Files.createDirectories(warped.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + warped.getParent(), e);
        }
        job.warpedFile(warped);
        List<String> cmd = CogCommand.warpToScratch(job.sourceInfo(), job.key().bandMode(), Path.of(job.source()),
                warped, reprojectResampling);
        job.command(cmd);
        return true;
    }

    /** Stage 2: bands and compression; a source the mode cannot take (nc 16-bit, bw float) is rejected here. */
    public void planCompression(AerialJob job) {
        AerialKey k = job.key();
        RasterInfo i = job.sourceInfo();
        // plans (and so checks) the GDAL steps; rejects with a message a person can act on
        CogCommand.warps(i, k.bandMode());
        String bands = k.bandMode() == BandMode.BW ? "band 1 of " + i.bandCount()
                : (i.bandCount() >= 4 && i.band(4).isAlpha() ? "bands 1-3 + alpha as mask" : "bands 1-3 of "
                + i.bandCount());
        job.plan().put("bands", bands);
        job.plan().put("compression", k.bandMode() == BandMode.NC ? "JPEG quality " + CogCommand.JPEG_QUALITY
                + " (YCbCr), tiles " + CogCommand.BLOCK_SIZE : "DEFLATE predictor 2, " + i.band(1).dataType()
                + ", tiles " + CogCommand.BLOCK_SIZE);
    }

    /** Stage 3: the overview factors. */
    public void planOverviews(AerialJob job) {
        RasterInfo i = job.sourceInfo();
        int w = i.is3857() ? i.width() : i.warpedWidth();
        int h = i.is3857() ? i.height() : i.warpedHeight();
        job.plan().put("overviews", CogCommand.overviewLevels(w, h) + " AVERAGE, internal");
    }

    /**
     * Stage 4: {@code gdal_translate -of COG} with the decisions of stages 2 and 3, reading stage 1's scratch
     * file (or the source, when it needed no warp): compressed tiles, overviews and COG layout in one command.
     */
    public List<String> cogCommand(AerialJob job) {
        Path out = job.scratchDir().resolve(job.key().file());
        job.cogFile(out);
        boolean warped = job.warpedFile() != null;
        List<String> cmd = CogCommand.translateToCog(job.sourceInfo(), job.key().bandMode(),
                warped ? job.warpedFile() : Path.of(job.source()), warped, out);
        job.command(cmd);
        return cmd;
    }

    /** After stage 4: the uncompressed scratch copy is not needed any more (frees its disk space at once). */
    public void discardWarped(AerialJob job) {
        deleteQuietly(job.warpedFile());
    }

    /** camel-exec's {@code CamelExecCommandArgs}: the command without the program. */
    public List<String> execArgs(AerialJob job) {
        return new ArrayList<>(job.command().subList(1, job.command().size()));
    }

    /**
     * After the exec endpoint: a non-zero exit is a {@link GdalCommandException} with GDAL's ERROR lines; what the
     * failed command may have half-written is deleted (the scratch folder goes anyway, this is for the record).
     */
    public void checkExit(AerialJob job, Exchange exchange) throws IOException {
        Integer exit = exchange.getMessage().getHeader(ExecBinding.EXEC_EXIT_VALUE, Integer.class);
        if (exit == null || exit != 0) {
            String stderr = "";
            Object err = exchange.getMessage().getHeader(ExecBinding.EXEC_STDERR);
            if (err instanceof InputStream in) {
                stderr = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } else if (err != null) {
                stderr = err.toString();
            }
            deleteQuietly(job.cogFile());
            deleteQuietly(job.warpedFile());
            throw new GdalCommandException(job.command(), "exited with code " + exit + ": "
                    + GdalCommandRunner.describeFailure(stderr, ""));
        }
        exchange.getMessage().setBody(null);
    }

    /** GDAL's COG rules on the written file (in-process); then the COG's own footprint for the index. */
    public CogValidator.Result validate(AerialJob job) {
        CogValidator.Result v = validator.validate(job.cogFile());
        job.validation(v);
        if (!v.valid()) {
            deleteQuietly(job.cogFile());
            throw new GdalCommandException(job.command(), "wrote a file that is not a valid COG: " + v.summary());
        }
        job.cogInfo(inspector.inspect(job.cogFile()));
        return v;
    }

    /** S3 user metadata of the COG. */
    public Map<String, String> cogMetadata(AerialJob job) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SOURCE_ETAG, job.etag());
        m.put(SOURCE_KEY, URLEncoder.encode(job.rawKey(), StandardCharsets.UTF_8));
        m.put("src-srs", job.sourceInfo().srsString().startsWith("EPSG:") ? job.sourceInfo().srsString() : "WKT");
        return m;
    }

    // ---- tile index and mapfile ------------------------------------------------------------------------------

    /**
     * Where MapServer/GDAL read a COG: {@code /vsicurl/<public URL>} (public-read bucket, no credentials) or
     * {@code /vsis3/<bucket>/<key>} (private bucket: the MapServer host's IAM role).
     */
    public String location(String key) {
        return locationForm.location(bucket, key, publicUrl(key));
    }

    /** A {@code dl_*} download link: the download base URL (the original's CDN), else the public base URL. */
    public String downloadUrl(String key) {
        return urlUnder(downloadBaseUrl == null ? publicBaseUrl : downloadBaseUrl, key);
    }

    public String publicUrl(String key) {
        return urlUnder(publicBaseUrl, key);
    }

    /** {@code base} + the key, each segment URL-encoded (space as %20). */
    public static String urlUnder(String base, String key) {
        StringBuilder sb = new StringBuilder(base);
        for (String segment : key.split("/", -1)) {
            sb.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return sb.toString();
    }

    /**
     * The original's date/roll/frame rules for the upload's file name ({@link FrameAttributes}), checked before
     * anything is written: a name they cannot read gets an error record instead of a COG without an index row.
     */
    public FrameAttributes checkNaming(AerialJob job) {
        return FrameAttributes.of(job.key(), this::downloadUrl);
    }

    /** Upserts the COG's row (by file name) in its collection's table; returns the collection's rows. */
    public List<TileIndexEntry> updateTileIndex(AerialJob job) {
        AerialKey k = job.key();
        TileIndexEntry e = TileIndexEntry.forCog(k.file(), location(job.cogKey()), job.cogInfo())
                .with(FrameAttributes.of(k, this::downloadUrl));
        String collection = k.collection();
        List<TileIndexEntry> entries = index(() -> {
            tileIndex.upsert(collection, e);
            return tileIndex.entries(collection);
        });
        job.indexRows(entries.size());
        return entries;
    }

    /**
     * The collection's tile-index downloads, as the original published them: {@code .../cog/tile_index/<idx>}
     * {@code .shp .shx .dbf .cpg} (+ {@code .prj}) and {@code <idx>_idx.zip} with the same files.
     */
    public List<TileIndexShapefile.Published> tileIndexFiles(AerialJob job) {
        AerialKey k = job.key();
        List<TileIndexEntry> entries = index(() -> tileIndex.entries(k.collection()));
        return TileIndexShapefile.published(k.tileIndexBaseKey(), k.tileIndexName(), entries);
    }

    /**
     * The compiled index of every collection (the original's {@code ls4-compile_indexes}); null when the tile
     * index is not in PostGIS (the local GeoPackage).
     */
    public byte[] compiledIndex() {
        return tileIndex instanceof PostgisTileIndex pg ? index(() -> CompiledIndex.geojson(pg)) : null;
    }

    /** The collection's mapfile, from the index as it is now; never with credentials. */
    public String mapfile(AerialJob job) {
        AerialKey k = job.key();
        String collection = k.collection();
        String table = k.collectionTable();
        MapfileWriter.IndexSource source = tileIndex instanceof GeoPackageTileIndex g
                ? new MapfileWriter.GeoPackage(g.file(), table)
                : new MapfileWriter.Postgis(mapfileConnection, table);
        Envelope extent = index(() -> tileIndex.extent(collection)).orElseThrow(
                () -> new IllegalStateException("tile index of " + collection + " is empty"));
        String title = k.county() + " " + k.agency() + " " + k.year() + " " + k.kind().name().toLowerCase(Locale.ROOT)
                + " (" + (k.bandMode() == BandMode.BW ? "black and white" : "natural colour") + ")";
        return MapfileWriter.write(new MapfileWriter.Spec(collection, title, extent, source,
                mapfiles.onlineResource(table), mapfiles.errorFile()));
    }

    private boolean exists(String key) {
        return S3Objects.exists(s3, bucket, key);
    }

    /**
     * Runs a tile index operation; a database that cannot be reached (SQLState class 08 connection, 53 resources,
     * 57P operator intervention, 40001/40P01 serialization/deadlock) becomes an {@link UncheckedIOException}
     * around an {@link IOException}: the routes retry it and leave the upload for later instead of blaming it.
     */
    static <T> T index(java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.sql.SQLException sql && transientSqlState(sql.getSQLState())) {
                    throw new UncheckedIOException(new IOException("tile index database unavailable (SQLState "
                            + sql.getSQLState() + "): " + sql.getMessage()));
                }
            }
            throw e;
        }
    }

    static boolean transientSqlState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                || state.equals("40001") || state.equals("40P01"));
    }

    // ---- scratch ---------------------------------------------------------------------------------------------

    /** Deletes the upload's scratch folder (success and failure alike). */
    public void cleanup(AerialJob job) {
        if (job == null || job.scratchDir() == null) {
            return;
        }
        Path dir = job.scratchDir();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(AerialSteps::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("scratch folder {} not fully removed: {}", dir, e.getMessage());
        }
    }

    public Path scratchRoot() {
        return scratchRoot;
    }

    private static String bandTypes(RasterInfo i) {
        return i.bands().stream().map(RasterInfo.BandInfo::dataType).distinct().toList().toString();
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // scratch: nothing else to do
        }
    }
}
