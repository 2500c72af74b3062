package imagepipelines.aerial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Stages 1–4 of the aerial workflow for one file: inspect the upload, run the one-pass COG command, validate the
 * result with GDAL's COG validator, and inspect the COG (its footprint feeds the tile index).
 */
public class CogConverter {

    private final RasterInspector inspector;
    private final GdalCommandRunner runner;
    private final CogValidator validator;

    public CogConverter(RasterInspector inspector, GdalCommandRunner runner, CogValidator validator) {
        this.inspector = inspector;
        this.runner = runner;
        this.validator = validator;
    }

    public CogConverter() {
        this(new RasterInspector(), new GdalCommandRunner(), new CogValidator(new GdalCommandRunner()));
    }

    /** What a conversion produced. */
    public record Result(RasterInfo source, RasterInfo cog, List<String> command, CogValidator.Result validation,
                         Duration elapsed) {
    }

    /**
     * Converts {@code input} to a COG at {@code output}.
     *
     * @throws RasterRejectedException the input cannot be used (a person must fix it)
     * @throws GdalCommandException    GDAL failed on it, or the output is not a valid COG (the output file is
     *                                 deleted in both cases)
     */
    public Result convert(BandMode mode, Path input, Path output) {
        RasterInfo source = inspector.inspect(input);
        List<String> command = CogCommand.onePass(source, mode, input, output);
        try {
            GdalCommandRunner.Result run = runner.run(command);
            CogValidator.Result validation = validator.validate(output);
            if (!validation.valid()) {
                throw new GdalCommandException(command, "wrote a file that is not a valid COG: "
                        + validation.summary());
            }
            RasterInfo cog = inspector.inspect(output);
            return new Result(source, cog, command, validation, run.elapsed());
        } catch (RuntimeException e) {
            // never leave a partial or invalid COG behind for a later step to upload
            try {
                Files.deleteIfExists(output);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
