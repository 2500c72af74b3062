package imagepipelines.aerial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stages 1–4 of the aerial workflow for one local file, the same steps the routes take: inspect the upload,
 * {@link CogCommand#commands} (a gdalwarp into a scratch file when the source must be warped, then
 * {@code gdal_translate -of COG}), validate the result with GDAL's COG validator, and inspect the COG (its
 * footprint feeds the tile index). The scratch file lives in a temporary folder next to the output and is removed
 * whatever happens.
 */
public class CogConverter {

    private final RasterInspector inspector;
    private final GdalCommandRunner runner;
    private final CogValidator validator;
    private final String resampling;

    public CogConverter(RasterInspector inspector, GdalCommandRunner runner, CogValidator validator,
                        String resampling) {
        this.inspector = inspector;
        this.runner = runner;
        this.validator = validator;
        this.resampling = CogCommand.resampling(resampling);
    }

    public CogConverter(String resampling) {
        this(new RasterInspector(), new GdalCommandRunner(GdalCommandRunner.DEFAULT_TIMEOUT, GdalTuning.ENVIRONMENT),
                new CogValidator(new GdalCommandRunner()), resampling);
    }

    public CogConverter() {
        this(CogCommand.DEFAULT_RESAMPLING);
    }

    /** What a conversion produced; {@code elapsed} is the GDAL commands' time. */
    public record Result(RasterInfo source, RasterInfo cog, List<List<String>> commands,
                         CogValidator.Result validation, Duration elapsed) {

        public Result {
            commands = List.copyOf(commands);
        }
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
        CogCommand.warps(source, mode); // rejects before any scratch space is made
        Path outDir = output.toAbsolutePath().getParent();
        Path scratchDir = null;
        try {
            scratchDir = Files.createTempDirectory(outDir, ".cog-scratch-");
            List<List<String>> commands = CogCommand.commands(source, mode, input, scratchDir.resolve("warped.tif"),
                    output, resampling);
            Duration elapsed = Duration.ZERO;
            for (List<String> command : commands) {
                elapsed = elapsed.plus(runner.run(command).elapsed());
            }
            CogValidator.Result validation = validator.validate(output);
            if (!validation.valid()) {
                throw new GdalCommandException(commands.get(commands.size() - 1), "wrote a file that is not a valid "
                        + "COG: " + validation.summary());
            }
            RasterInfo cog = inspector.inspect(output);
            return new Result(source, cog, commands, validation, elapsed);
        } catch (IOException e) {
            deleteQuietly(output);
            throw new UncheckedIOException("no scratch space in " + outDir, e);
        } catch (RuntimeException e) {
            // never leave a partial or invalid COG behind for a later step to upload
            deleteQuietly(output);
            throw e;
        } finally {
            deleteTree(scratchDir);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(paths);
            paths.forEach(CogConverter::deleteQuietly);
        } catch (IOException ignored) {
            // gone already
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // scratch or a failed output: nothing more to do
        }
    }
}
