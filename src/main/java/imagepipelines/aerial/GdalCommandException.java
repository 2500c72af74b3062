package imagepipelines.aerial;

import java.util.List;

/** A GDAL program (or the validator) failed; the message says which, how, and what it printed. */
public class GdalCommandException extends RuntimeException {

    private final List<String> command;

    public GdalCommandException(List<String> command, String what) {
        this(command, what, null);
    }

    public GdalCommandException(List<String> command, String what, Throwable cause) {
        super(command.get(0) + " " + what + " [" + String.join(" ", command) + "]", cause);
        this.command = List.copyOf(command);
    }

    public List<String> command() {
        return command;
    }
}
