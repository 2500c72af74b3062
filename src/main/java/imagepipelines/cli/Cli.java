package imagepipelines.cli;

import java.util.Arrays;
import java.util.List;

import imagepipelines.PipelinesApp;

/** The command line of bin/image-pipelines. */
public final class Cli {

    private static final String USAGE = """
            usage: image-pipelines COMMAND [ARGS]
              run                    start the routes of the configured workflows (default; profile from
                                     CAMEL_MAIN_PROFILE: local (embedded S3/SQS/API), dev, prod)
              demo [DIR]             local demo: ingest the sample camera-trap images (default samples/camera-trap)
                                     on the embedded stack and print what happened to each
              local-stack [--data-dir DIR] [--properties FILE] [--s3-port N] [--sqs-port N] [--api-port N]
                          [--persistent-queues]
                                     the embedded S3, SQS and Animl API stand-in alone, with the local buckets and
                                     queues, until stopped; prints endpoints and keys and writes them to FILE
                                     (default DIR/local-stack.properties) for e.g. `camel run` (docs/deploy.md);
                                     --persistent-queues keeps messages in DIR/sqs across restarts; the Animl
                                     stand-in takes faults at POST /_faults (docs/reliability.md)
              faults [SCENARIO...] [--scale small|full] [--dir DIR]
                                     the fault suite (docs/reliability.md): worker JVMs SIGKILLed, S3/SQS servers
                                     stopped, API stand-ins failing; one table of every input's outcome; exit 1 on
                                     anything lost or duplicated
              metadata FILE...       print, as JSON, the md object the ingest would send for each local file
              maintenance on|off|status|replay [--url http://localhost:8080]
                                     switch maintenance mode of a running instance, or replay parked images
                                     (sends the operator token: PIPELINES_OPERATOR_SECRET, else
                                     .local-data/operator-token of a local run)
              routes list|stop|start|suspend|resume [ROUTE|PATTERN|WORKFLOW] [--url http://localhost:8080]
                                     route toggles on every replica within seconds, kept across restarts: e.g.
                                     `routes stop faces`, `routes suspend 'aerial-intake-*'`; list shows desired
                                     and actual state (changes send the operator token, as maintenance does)
              redrive-batch BATCH_ID [--url http://localhost:8080]
                                     give a bulk batch's dead letters another try: its messages in the ingest
                                     queue's DLQ and its images in the dead-letter bucket go back; prints them
              cog [--mode bw|nc] [--resampling near|bilinear|...] SRC.tif DST.tif
                                     the aerial routes' GDAL steps on a local GeoTIFF; prints JSON (bands, CRS,
                                     footprint, commands, COG validation)
              faces FILE...          the faces of local images as JSON: boxes and 128-float encodings
              faces --distance A B   Euclidean distance between the first faces of two images (same person < 0.49)
              benchmark-faces [N]    N (default 200) 1200x900 WebP photos with one face through the faces routes
                                     (download -> POST) on the local stack; photos/s/core and time per stage
              benchmark-ingest [N]   ingest N (default 200) distinct 8 MP JPEGs on the local stack and compare
                                     with the original's way (exiftool + vipsthumbnail processes per image)
              benchmark-bulk [N] [WORKERS]
                                     split a batch-<uuid>.zip of N (default 2000, ~1 GB) distinct camera-trap
                                     JPEGs on the local stack with WORKERS (default bulk.workers) at a time: split
                                     MB/s and entries/s against the raw sequential read, peak heap and disk
              benchmark-aerial [SCALE%] [DIR]
                                     one GeoTIFF (the Landsat sample enlarged, default 1000%) to a COG: the
                                     application (upload done -> routes -> COG in the bucket, time per stage), our
                                     two GDAL commands, plain gdal_translate -of COG, the original's chain; wall
                                     time, ratios against the goals and peak memory
            """;

    private Cli() {
    }

    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "run" : args[0];
        List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        int code = switch (cmd) {
            case "run" -> {
                PipelinesApp.run();
                yield 0;
            }
            case "demo" -> DemoCommand.run(rest);
            case "local-stack" -> LocalStackCommand.run(rest);
            case "faults" -> imagepipelines.faults.FaultsCommand.run(rest);
            case "metadata" -> MetadataCommand.run(rest);
            case "maintenance" -> MaintenanceCommand.run(rest);
            case "redrive-batch" -> RedriveCommand.run(rest);
            case "routes" -> RoutesCommand.run(rest);
            case "cog" -> CogCli.run(rest);
            case "benchmark-aerial" -> imagepipelines.bench.AerialBenchmark.run(rest);
            case "faces" -> FacesCommand.run(rest);
            case "benchmark-faces" -> imagepipelines.bench.FacesBenchmark.run(rest);
            case "benchmark-ingest" -> imagepipelines.bench.IngestBenchmark.run(rest);
            case "benchmark-bulk" -> imagepipelines.bench.BulkBenchmark.run(rest);
            case "help", "-h", "--help" -> {
                System.out.print(USAGE);
                yield 0;
            }
            default -> {
                System.err.print("unknown command: " + cmd + "\n" + USAGE);
                yield 2;
            }
        };
        System.exit(code);
    }
}
