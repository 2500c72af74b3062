package imagepipelines.local.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import imagepipelines.local.faults.FaultsCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code faults}: {@link FaultsCommand}, which reads its own arguments (the options are handed back to it). */
@Command(name = "faults",
        description = "the fault suite (docs/reliability.md): worker JVMs SIGKILLed, S3/SQS servers restarted, API "
        + "stand-ins failing, toggles flipped; one table of every input's outcome; exit 1 when anything is lost or "
        + "duplicated. [SCENARIO...] [--scale small|full] [--dir DIR]")
final class FaultsCliCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "SCENARIO", description = "scenario ids (default: all)")
    List<String> args = new ArrayList<>();

    @Option(names = "--scale", paramLabel = "small|full", description = "counts and outages (default small)")
    String scale;

    @Option(names = "--dir", paramLabel = "DIR", description = "keep workers' logs and the stack's data there")
    String dir;

    @Override
    public Integer call() throws Exception {
        List<String> all = new ArrayList<>(args);
        if (scale != null) {
            all.addAll(List.of("--scale", scale));
        }
        if (dir != null) {
            all.addAll(List.of("--dir", dir));
        }
        return FaultsCommand.run(all);
    }
}
