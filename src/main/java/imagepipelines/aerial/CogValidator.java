package imagepipelines.aerial;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a file with GDAL's own COG validator, {@code validate_cloud_optimized_geotiff} from Debian's
 * {@code python3-gdal}, with {@code --full-check=yes} (also checks the leader/trailer bytes of every tile).
 *
 * <p>The validator exits 0 when there are only warnings and 1 on errors; both are read from its output.
 * It must run under the Python that has {@code osgeo} installed: Debian's {@code /usr/bin/python3}, not
 * whatever {@code python3} comes first on PATH (pyenv, venvs).
 */
public class CogValidator {

    public static final String MODULE = "osgeo_utils.samples.validate_cloud_optimized_geotiff";

    private final GdalCommandRunner runner;
    private final String python;

    public CogValidator(GdalCommandRunner runner) {
        this(runner, Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3");
    }

    public CogValidator(GdalCommandRunner runner, String python) {
        this.runner = runner;
        this.python = python;
    }

    /**
     * The same rules checked in-process ({@link CogLayoutCheck}), without starting Python: what the
     * {@code aerial-validate-cog} stage uses. The tests hold both to the same verdicts.
     */
    public static CogValidator inProcess() {
        return new CogValidator(null, null);
    }

    /** Outcome of a validation. {@code valid} means no errors; warnings may still be present. */
    public record Result(boolean valid, List<String> errors, List<String> warnings) {

        public Result {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }

        /** One line for logs and error messages. */
        public String summary() {
            return (valid ? "valid COG" : "not a valid COG: " + String.join("; ", errors))
                    + (warnings.isEmpty() ? "" : " (warnings: " + String.join("; ", warnings) + ")");
        }
    }

    public List<String> command(Path file) {
        return List.of(python, "-m", MODULE, "--full-check=yes", file.toString());
    }

    public Result validate(Path file) {
        if (runner == null) {
            return CogLayoutCheck.check(file);
        }
        GdalCommandRunner.Result r = runner.runAllowingFailure(command(file));
        Result parsed = parse(r.stdout());
        if (r.exitCode() != 0 && parsed.valid()) {
            // exit code says failure but the output has no error list: e.g. a Python traceback, a missing module
            List<String> errors = new ArrayList<>(parsed.errors());
            errors.add("validator exited with code " + r.exitCode() + ": "
                    + GdalCommandRunner.describeFailure(r.stderr(), r.stdout()));
            return new Result(false, errors, parsed.warnings());
        }
        return parsed;
    }

    /** Parses the validator's standard output. */
    static Result parse(String stdout) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> current = null;
        boolean sawValid = false;
        for (String line : stdout.split("\\R")) {
            if (line.startsWith("The following warnings were found")) {
                current = warnings;
            } else if (line.startsWith("The following errors were found")) {
                current = errors;
            } else if (line.startsWith(" - ") && current != null) {
                current.add(line.substring(3).strip());
            } else if (line.contains(" is NOT a valid cloud optimized GeoTIFF : ")) {
                errors.add(line.substring(line.indexOf(" : ") + 3).strip());
                current = null;
            } else if (line.endsWith(" is a valid cloud optimized GeoTIFF")) {
                sawValid = true;
                current = null;
            } else if (line.isBlank()) {
                current = null;
            }
        }
        boolean valid = errors.isEmpty() && sawValid;
        if (!valid && errors.isEmpty()) {
            errors.add("validator output not understood: " + stdout.strip());
        }
        return new Result(valid, errors, warnings);
    }
}
