package imagepipelines.local.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import imagepipelines.bench.AerialBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code benchmark-aerial}: {@link AerialBenchmark}, which reads its own positional arguments. */
@Command(name = "benchmark-aerial",
        description = "one GeoTIFF (the Landsat sample enlarged, default 1000%%) to a COG: the application (upload done "
        + "-> routes -> COG in the bucket, time per stage), our two GDAL commands, plain gdal_translate -of "
        + "COG, the original's chain; wall time, ratios against the goals and peak memory")
final class BenchmarkAerialCommand implements Callable<Integer> {

    @Parameters(index = "0..1", arity = "0..2", paramLabel = "ARG", description = "[SCALE%] [DIR]")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return AerialBenchmark.run(args);
    }
}
