package imagepipelines.local.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import imagepipelines.bench.FacesBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code benchmark-faces}: {@link FacesBenchmark}, which reads its own positional arguments. */
@Command(name = "benchmark-faces",
        description = "N (default 200) 1200x900 WebP photos with one face through the faces routes (download -> POST) "
        + "on the local stack; photos/s/core and time per stage")
final class BenchmarkFacesCommand implements Callable<Integer> {

    @Parameters(index = "0..1", arity = "0..2", paramLabel = "ARG", description = "[N]")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return FacesBenchmark.run(args);
    }
}
