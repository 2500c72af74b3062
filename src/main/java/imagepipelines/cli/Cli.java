package imagepipelines.cli;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line of bin/image-pipelines: one picocli {@code @Command} class per subcommand, listed in
 * {@code subcommands} (a new one is a class and a line there); the local-only ones come from image-pipelines-local.jar
 * ({@link LocalCommands}). No subcommand means {@code run}. Exit codes: 0 done,
 * 1 failed, 2 usage error (picocli's own for unknown commands and options).
 */
@Command(name = "image-pipelines", sortOptions = false,
        synopsisSubcommandLabel = "COMMAND",
        description = "Camera-trap ingest, aerial COGs and face encodings on Apache Camel; without a COMMAND: run.",
        commandListHeading = "%nCommands:%n",
        subcommands = {
            RunCommand.class,
            MetadataCommand.class,
            MaintenanceCommand.class,
            RoutesCommand.class,
            RedriveCommand.class,
            CogCli.class,
            FacesCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Cli implements Callable<Integer> {

    /** The commands image-pipelines-local.jar adds (named here only for the error when it is missing). */
    private static final Set<String> LOCAL_ONLY = Set.of("demo", "local-stack", "benchmark-faces", "benchmark-ingest",
            "benchmark-bulk", "benchmark-aerial");

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
        CommandLine cli = new CommandLine(new Cli());
        // demo, local-stack and the benchmarks: from image-pipelines-local.jar when it is on the class path
        List<LocalCommands> local = LocalCommands.onClassPath();
        local.forEach(set -> set.subcommands().forEach(cli::addSubcommand));
        if (local.isEmpty() && args.length > 0 && LOCAL_ONLY.contains(args[0])) {
            cli.getErr().println(args[0] + ": needs image-pipelines-local.jar (the embedded local stack), which this"
                    + " class path does not hold; the production image runs `run` against AWS");
            return 2;
        }
        return cli.setUsageHelpWidth(118).execute(args);
    }
}
