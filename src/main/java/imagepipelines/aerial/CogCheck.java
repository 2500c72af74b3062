package imagepipelines.aerial;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The written COG before it is stored: GDAL's COG rules, its own footprint for the index, its S3 metadata. */
public class CogCheck {

    /** GDAL's COG rules, checked in-process (CogLayoutCheck): no Python start-up per COG. */
    private final CogValidator validator = CogValidator.inProcess();
    private final RasterInspector inspector = new RasterInspector();

    /** An invalid COG is deleted and never uploaded. */
    public CogValidator.Result validate(AerialJob job) {
        CogValidator.Result v = validator.validate(job.cogFile());
        job.validation(v);
        if (!v.valid()) {
            ScratchSpace.deleteQuietly(job.cogFile());
            throw new GdalCommandException(job.command(), "wrote a file that is not a valid COG: " + v.summary());
        }
        job.cogInfo(inspector.inspect(job.cogFile()));
        return v;
    }

    /** S3 user metadata of the COG: the upload's ETag (a repeated upload is skipped), its key and source CRS. */
    public Map<String, String> metadata(AerialJob job) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(UploadLedger.SOURCE_ETAG, job.etag());
        m.put(UploadLedger.SOURCE_KEY, URLEncoder.encode(job.rawKey(), StandardCharsets.UTF_8));
        m.put("src-srs", job.sourceInfo().srsString().startsWith("EPSG:") ? job.sourceInfo().srsString() : "WKT");
        return m;
    }
}
