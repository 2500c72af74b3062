package imagepipelines.local.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import imagepipelines.local.faults.FaultsCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code faults}: {@link FaultsCommand}, which reads its own arguments. */
@Command(name = "faults",
        description = "the fault suite (docs/reliability.md): worker JVMs SIGKILLed, S3/SQS servers restarted, API "
        + "stand-ins failing, toggles flipped; one table of every input's outcome; exit 1 when anything is lost or "
        + "duplicated. [SCENARIO...] [--scale small|full] [--dir DIR]")
final class FaultsCliCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "ARG", description = "[SCENARIO...] [--scale small|full] [--dir DIR]")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return FaultsCommand.run(args);
    }
}
