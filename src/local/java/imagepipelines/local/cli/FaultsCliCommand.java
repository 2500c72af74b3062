package imagepipelines.local.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import imagepipelines.local.faults.FaultsCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code faults}: {@link FaultsCommand}; the options are declared here so that picocli accepts them. */
@Command(name = "faults",
        description = "the fault suite (docs/reliability.md): worker JVMs SIGKILLed, S3/SQS servers restarted, API "
        + "stand-ins failing, toggles flipped; one table of every input's outcome; exit 1 when anything is lost or "
        + "duplicated.")
final class FaultsCliCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "SCENARIO", description = "scenario ids (default: every implemented one)")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--scale", paramLabel = "small|full", description = "counts and outage lengths (default small)")
    String scale;

    @Option(names = "--dir", paramLabel = "DIR", description = "where the workers' logs and the stack's data stay")
    String dir;

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>(scenarios);
        if (scale != null) {
            args.addAll(List.of("--scale", scale));
        }
        if (dir != null) {
            args.addAll(List.of("--dir", dir));
        }
        return FaultsCommand.run(args);
    }
}
