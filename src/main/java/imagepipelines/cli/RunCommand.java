package imagepipelines.cli;

import java.util.concurrent.Callable;

import imagepipelines.PipelinesApp;
import picocli.CommandLine.Command;

/** {@code run}: the routes of the configured workflows until stopped. */
@Command(name = "run",
        description = "start the routes of the configured workflows (default; profile from CAMEL_MAIN_PROFILE: local "
        + "(embedded S3/SQS/API), dev, prod)")
final class RunCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        PipelinesApp.run();
        return 0;
    }
}
