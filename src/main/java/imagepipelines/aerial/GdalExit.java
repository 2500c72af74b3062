package imagepipelines.aerial;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The job's GDAL command for camel-exec, and what its exit means. */
public class GdalExit {

    /** camel-exec's {@code CamelExecCommandArgs}: the command without the program. */
    public List<String> execArgs(AerialJob job) {
        return new ArrayList<>(job.command().subList(1, job.command().size()));
    }

    /**
     * A non-zero exit is a {@link GdalCommandException} with GDAL's ERROR lines, or, when GDAL ran out of scratch
     * disk, a {@link ScratchFullException} (transient); what the failed command may have half-written is deleted
     * (the scratch folder goes anyway, this is for the record).
     *
     * @param exit   camel-exec's {@code CamelExecExitValue}
     * @param stderr camel-exec's {@code CamelExecStderr} (a stream or text), may be null
     */
    public void check(AerialJob job, Integer exit, Object stderr) throws IOException {
        if (exit != null && exit == 0) {
            return;
        }
        String err = stderr instanceof InputStream in ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
                : stderr != null ? stderr.toString() : "";
        ScratchSpace.deleteQuietly(job.cogFile());
        ScratchSpace.deleteQuietly(job.warpedFile());
        if (ScratchFullException.in(err)) {
            throw new ScratchFullException(job.command(), GdalCommandRunner.describeFailure(err, ""));
        }
        throw new GdalCommandException(job.command(), "exited with code " + exit + ": "
                + GdalCommandRunner.describeFailure(err, ""));
    }
}
