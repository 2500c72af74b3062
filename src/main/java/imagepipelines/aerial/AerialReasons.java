package imagepipelines.aerial;

import java.nio.file.Path;

/**
 * What an error record may tell a person about an upload: the upload by its S3 address, never the worker's
 * scratch paths (which mean nothing outside the container and are gone when the record is read), and an empty
 * upload said to be empty instead of whatever GDAL makes of zero bytes.
 */
public final class AerialReasons {

    static final String SCRATCH = "<scratch>";

    private AerialReasons() {
    }

    /** Stage 0: a zero-byte upload has nothing to convert (GDAL would only say it is "not recognized"). */
    public static void refuseEmpty(AerialJob job) {
        if (job != null && job.size() == 0) {
            throw new RasterRejectedException(Path.of(job.key() != null ? job.key().file() : job.rawKey()),
                    "the file is empty (0 bytes): nothing to convert; the upload was probably interrupted, upload "
                            + "the GeoTIFF again");
        }
    }

    /**
     * {@code text} with the upload's local copy and GDAL name written as {@code s3://bucket/key}, and any other
     * path in its scratch folder as {@code <scratch>/...}.
     */
    public static String forPeople(String text, AerialJob job) {
        if (text == null || job == null) {
            return text;
        }
        String out = text;
        String s3 = "s3://" + job.bucket() + "/" + job.rawKey();
        if (job.localSource() != null) {
            out = out.replace(job.localSource().toString(), s3);
        }
        out = out.replace(GdalS3Access.vsis3(job.bucket(), job.rawKey()), s3);
        return withoutScratch(out, job);
    }

    /** Only the scratch folder replaced (a command keeps its /vsis3/ source, which an operator can run again). */
    public static String withoutScratch(String text, AerialJob job) {
        if (text == null || job == null || job.scratchDir() == null) {
            return text;
        }
        return text.replace(job.scratchDir().toString(), SCRATCH);
    }
}
