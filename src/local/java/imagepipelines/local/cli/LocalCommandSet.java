package imagepipelines.local.cli;

import java.util.List;

import imagepipelines.cli.LocalCommands;

/** The local-only commands of bin/image-pipelines, for the production CLI (a ServiceLoader service). */
public final class LocalCommandSet implements LocalCommands {

    @Override
    public List<Object> subcommands() {
        return List.of(new DemoCommand(), new LocalStackCommand(), new BenchmarkFacesCommand(),
                new BenchmarkIngestCommand(), new BenchmarkBulkCommand(), new BenchmarkAerialCommand(), new FaultsCliCommand());
    }
}
