package imagepipelines.local.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import imagepipelines.PipelinesApp;
import imagepipelines.common.Settings;
import imagepipelines.local.FakeAnimlApi;
import imagepipelines.local.LocalStack;
import imagepipelines.local.LoopbackPorts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code demo}: the main job on the embedded local default. Uploads the sample camera-trap images to the ingestion
 * bucket, lets the routes process them, and prints one line per image: serial number, capture time, image id and
 * the outputs written, or the dead-letter key and reason. Then the aerial part ({@link AerialDemo}) and, with the face
 * models present, the faces part ({@link FacesDemo}).
 */
@Command(name = "demo",
        description = "local demo: ingest the sample camera-trap images (default samples/camera-trap), then the sample "
        + "GeoTIFFs and, with the face models, one photo, on the embedded stack, and print what happened to "
        + "each")
final class DemoCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "DIR", defaultValue = "samples/camera-trap")
    Path samples;

    @Override
    public Integer call() throws Exception {
        List<Path> images;
        try (Stream<Path> s = Files.list(samples)) {
            images = s.filter(p -> p.getFileName().toString().matches("(?i).*\\.(jpe?g|png)$")).sorted().toList();
        }
        if (images.isEmpty()) {
            System.err.println("no sample images in " + samples.toAbsolutePath());
            return 1;
        }
        Path dataDir = Path.of(".local-data", "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Settings settings = new Settings("local");
        Map<String, String> props = new LinkedHashMap<>();
        // faces too when its models are there (bin/fetch-face-models): it cannot start without them
        boolean faces = FacesDemo.modelsPresent();
        props.put("pipelines.workflows", faces ? "ingest,aerial,faces" : "ingest,aerial");
        props.put("pipelines.local.data-dir", dataDir.toString());
        // a free port, unless the environment names one (CAMEL_SERVER_PORT or -Dcamel.server.port)
        if (!settings.fromEnvironment().containsKey("camel.server.port")) {
            props.put("camel.server.port", String.valueOf(LoopbackPorts.free()));
        }
        String ingestion = settings.resolve("{{ingest.bucket.ingestion}}", props);
        String serving = settings.resolve("{{ingest.bucket.serving}}", props);
        String deadLetter = settings.resolve("{{ingest.bucket.deadletter}}", props);

        try (PipelinesApp app = PipelinesApp.start(settings, props, null)) {
            LocalStack stack = app.stack(LocalStack.class);
            S3Client s3 = stack.s3();
            List<String> keys = new ArrayList<>();
            long started = System.nanoTime();
            for (Path img : images) {
                String key = "demo-camera/" + img.getFileName();
                s3.putObject(r -> r.bucket(ingestion).key(key), RequestBody.fromFile(img));
                keys.add(key);
            }
            System.out.printf("%nuploaded %d sample images to s3://%s/demo-camera/ ...%n", keys.size(), ingestion);
            long deadline = System.currentTimeMillis() + 180_000;
            while (!s3.listObjectsV2(r -> r.bucket(ingestion)).contents().isEmpty()) {
                if (System.currentTimeMillis() > deadline) {
                    System.err.println("images still waiting after 3 minutes; see the log above");
                    break;
                }
                Thread.sleep(200);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            printTable(keys, stack.api(), s3, serving, deadLetter);
            System.out.printf("%n%d images in %.1f s. Local S3 data: %s/s3 (buckets as folders); API stand-in journal: %s%n",
                    keys.size(), seconds, dataDir, stack.api().journal());
            // aerial imagery: sample GeoTIFFs -> COGs, tile index, mapfiles, map2img renders
            AerialDemo.run(s3, settings.resolve("{{aerial.bucket}}", props), samples.resolveSibling("geotiff"),
                    dataDir);
            // face encodings: one photo in through the Lambda-compatible intake, as the members' site sends it
            if (faces) {
                // the port the server took
                int port = Integer.parseInt(app.context().resolvePropertyPlaceholders("{{camel.server.port}}"));
                FacesDemo.run(port, samples.resolveSibling("faces"));
            } else {
                System.out.printf("%nfaces part skipped: no face models (run bin/fetch-face-models)%n");
            }
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static void printTable(List<String> keys, FakeAnimlApi api, S3Client s3, String serving, String deadLetter) {
        List<String> servingKeys = s3.listObjectsV2Paginator(r -> r.bucket(serving)).contents().stream()
                .map(S3Object::key).toList();
        Map<String, String> deadLetterBySource = new LinkedHashMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(deadLetter)).contents()) {
            var head = s3.headObject(r -> r.bucket(deadLetter).key(o.key()));
            String source = java.net.URLDecoder.decode(head.metadata().getOrDefault("source-key", ""),
                    java.nio.charset.StandardCharsets.UTF_8);
            deadLetterBySource.put(source, o.key() + " — " + head.metadata().getOrDefault("error-reason", "?"));
        }
        String fmt = "%-36s %-16s %-20s %-44s %s%n";
        System.out.printf("%n" + fmt, "FILE", "SERIAL", "CAPTURED", "IMAGE ID", "OUTCOME");
        for (String key : keys) {
            Map<String, Object> md = null;
            String id = null;
            for (FakeAnimlApi.Call c : api.calls("CreateImageRecord")) {
                Map<String, Object> m = (Map<String, Object>) c.input().get("md");
                if (m != null && key.equals(m.get("Key"))) {
                    md = m;
                    id = c.status() == 200 ? extractId(c.response()) : null;
                }
            }
            String outcome;
            if (deadLetterBySource.containsKey(key)) {
                outcome = "dead letter: " + deadLetterBySource.get(key);
            } else if (id != null) {
                String prefix = id;
                long n = servingKeys.stream().filter(k -> k.contains(prefix)).count();
                outcome = "stored: original + medium + small (" + n + " objects in " + serving + ")";
            } else {
                outcome = "not processed (see log)";
            }
            System.out.printf(fmt, key.substring(key.lastIndexOf('/') + 1),
                    md == null ? "-" : md.get("SerialNumber"),
                    md == null ? "-" : String.valueOf(md.getOrDefault("DateTimeOriginal", "-")),
                    id == null ? "-" : id, outcome);
        }
    }

    private static String extractId(String response) {
        int i = response.indexOf("\"_id\":\"");
        return i < 0 ? null : response.substring(i + 7, response.indexOf('"', i + 7));
    }

}
