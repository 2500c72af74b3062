package imagepipelines.local.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import imagepipelines.bench.AerialBenchmark;
import imagepipelines.bench.BulkBenchmark;
import imagepipelines.bench.FacesBenchmark;
import imagepipelines.bench.IngestBenchmark;
import imagepipelines.cli.LocalCommands;

/** The local-only commands of bin/image-pipelines, for the production CLI (a ServiceLoader service). */
public final class LocalCommandSet implements LocalCommands {

    @Override
    public Map<String, Command> commands() {
        Map<String, Command> c = new LinkedHashMap<>();
        c.put("demo", DemoCommand::run);
        c.put("local-stack", LocalStackCommand::run);
        c.put("benchmark-aerial", AerialBenchmark::run);
        c.put("benchmark-faces", FacesBenchmark::run);
        c.put("benchmark-ingest", IngestBenchmark::run);
        c.put("benchmark-bulk", BulkBenchmark::run);
        return c;
    }
}
