package imagepipelines.aerial;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The job's GDAL command for camel-exec, and what its exit means. */
public class GdalExit {

    /** camel-exec's {@code CamelExecCommandArgs}: the command without the program. */
    public List<String> execArgs(AerialJob job) {
        return new ArrayList<>(job.command().subList(1, job.command().size()));
    }

    /**
     * A non-zero exit is a {@link GdalCommandException} with GDAL's ERROR lines, or, when GDAL ran out of scratch
     * disk, a {@link ScratchFullException} (transient); what the failed command may have half-written is deleted,
     * and only that: a full disk during {@code gdal_translate} is retried from that command, which reads the warped
     * copy gdalwarp wrote before (deleting it too turned the retry into "No such file", an error record for a good
     * upload).
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
        halfWritten(job).forEach(ScratchSpace::deleteQuietly);
        if (ScratchFullException.in(err)) {
            throw new ScratchFullException(job.command(), GdalCommandRunner.describeFailure(err, ""));
        }
        throw new GdalCommandException(job.command(), "exited with code " + exit + ": "
                + GdalCommandRunner.describeFailure(err, ""));
    }

    /** The failed command's output (its last argument) and GDAL's temporary files beside it ({@code <out>.*}). */
    static List<Path> halfWritten(AerialJob job) {
        List<Path> files = new ArrayList<>();
        List<String> cmd = job.command();
        if (cmd == null || cmd.isEmpty()) {
            return files;
        }
        Path out = Path.of(cmd.get(cmd.size() - 1));
        files.add(out);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && Files.isDirectory(parent)) {
            try (Stream<Path> beside = Files.list(parent)) {
                beside.filter(p -> p.getFileName().toString().startsWith(out.getFileName() + ".")).forEach(files::add);
            } catch (IOException e) {
                // nothing to add: the folder went meanwhile
            }
        }
        return files;
    }
}
