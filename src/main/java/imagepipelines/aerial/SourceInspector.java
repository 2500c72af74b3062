package imagepipelines.aerial;

/** In-process GDAL on an upload or a COG ({@link RasterInspector}); what it found goes into the job and its plan. */
public class SourceInspector {

    private final RasterInspector inspector;

    /**
     * @param s3Access            GDAL's S3 settings, applied to the in-process GDAL at once (it reads {@code /vsis3/})
     * @param maxCompressionRatio {@code aerial.max-compression-ratio}: uploads whose pixels take more than this many
     *                            times their file size are refused (0: no limit)
     */
    public SourceInspector(GdalS3Access s3Access, long maxCompressionRatio) {
        s3Access.applyInProcess();
        inspector = new RasterInspector(maxCompressionRatio);
    }

    /** The upload: driver, size, bands, CRS, footprint; rejects what cannot become a COG. */
    public RasterInfo inspect(AerialJob job) {
        RasterInfo info = job.localSource() != null ? inspector.inspect(job.localSource())
                : inspector.inspect(job.source(), job.size());
        job.sourceInfo(info);
        job.plan().put("source", info.driver() + " " + info.width() + "x" + info.height() + ", "
                + info.bandCount() + " band(s) " + bandTypes(info) + ", " + info.srsString());
        return info;
    }

    /** A COG put straight into {@code cog/}: inspected where it is (through /vsis3/). */
    public RasterInfo inspectCog(AerialJob job) {
        RasterInfo info = inspector.inspect(GdalS3Access.vsis3(job.bucket(), job.rawKey()), job.size());
        job.cogInfo(info);
        job.plan().put("cog", "put into cog/ directly: " + info.width() + "x" + info.height() + ", "
                + info.srsString());
        return info;
    }

    private static String bandTypes(RasterInfo i) {
        return i.bands().stream().map(RasterInfo.BandInfo::dataType).distinct().toList().toString();
    }
}
