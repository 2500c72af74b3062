package imagepipelines.local.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import imagepipelines.bench.IngestBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code benchmark-ingest}: {@link IngestBenchmark}, which reads its own positional arguments. */
@Command(name = "benchmark-ingest",
        description = "ingest N (default 200) distinct 8 MP JPEGs on the local stack with WORKERS (default 4) and "
        + "compare with the original's way (exiftool + vipsthumbnail processes per image)")
final class BenchmarkIngestCommand implements Callable<Integer> {

    @Parameters(index = "0..1", arity = "0..2", paramLabel = "ARG", description = "[N] [WORKERS]")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return IngestBenchmark.run(args);
    }
}
