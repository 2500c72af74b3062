package imagepipelines.local.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import imagepipelines.bench.BulkBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code benchmark-bulk}: {@link BulkBenchmark}, which reads its own positional arguments. */
@Command(name = "benchmark-bulk",
        description = "split a batch-<uuid>.zip of N (default 2000, ~1 GB) distinct camera-trap JPEGs on the local "
        + "stack with WORKERS (default bulk.workers) at a time: split MB/s and entries/s against the raw "
        + "sequential read, peak heap and disk")
final class BenchmarkBulkCommand implements Callable<Integer> {

    @Parameters(index = "0..1", arity = "0..2", paramLabel = "ARG", description = "[N] [WORKERS]")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return BulkBenchmark.run(args);
    }
}
