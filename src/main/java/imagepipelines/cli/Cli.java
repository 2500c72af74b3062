package imagepipelines.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line of bin/image-pipelines: one picocli {@code @Command} class per subcommand, listed in
 * {@code subcommands} (a new one is a class and a line there). No subcommand means {@code run}. Exit codes: 0 done,
 * 1 failed, 2 usage error (picocli's own for unknown commands and options).
 */
@Command(name = "image-pipelines", sortOptions = false,
        synopsisSubcommandLabel = "COMMAND",
        description = "Camera-trap ingest, aerial COGs and face encodings on Apache Camel; without a COMMAND: run.",
        commandListHeading = "%nCommands:%n",
        subcommands = {
            RunCommand.class,
            DemoCommand.class,
            LocalStackCommand.class,
            MetadataCommand.class,
            MaintenanceCommand.class,
            RoutesCommand.class,
            RedriveCommand.class,
            CogCli.class,
            FacesCommand.class,
            BenchmarkFacesCommand.class,
            BenchmarkIngestCommand.class,
            BenchmarkBulkCommand.class,
            BenchmarkAerialCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Cli implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this list")
    boolean help;

    @Override
    public Integer call() throws Exception {
        return new RunCommand().call();
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code (what {@link #main} exits with). */
    public static int execute(String... args) {
        return new CommandLine(new Cli()).setUsageHelpWidth(118).execute(args);
    }
}
