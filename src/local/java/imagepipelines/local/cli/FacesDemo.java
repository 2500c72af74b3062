package imagepipelines.local.cli;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.faces.FacesModel;
import imagepipelines.local.FakeFaceApi;
import imagepipelines.local.LocalStack;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * The faces part of {@code demo}: one photo goes in the way the members' site sends it, a Lambda Invoke (Event)
 * through boto3 (or, without python3-boto3, the AWS SDK's Lambda client) to this service's Lambda-compatible
 * intake; the routes queue, download, encode and post, and the receiver stand-in prints what it received.
 */
final class FacesDemo {

    static final String FUNCTION_ARN = "arn:aws:lambda:" + LocalStack.REGION + ":000000000000:function:face-encodings-local";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FacesDemo() {
    }

    /** Whether the face models are there (bin/fetch-face-models); the faces workflow cannot start without them. */
    static boolean modelsPresent() {
        try {
            FacesModel.checkedDir(null);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    static void run(int httpPort, Path samples) throws Exception {
        Path photo = samples.resolve("astronaut-1200x900.webp");
        if (!Files.isRegularFile(photo)) {
            System.out.printf("%nfaces part skipped: no sample photo %s%n", photo.toAbsolutePath());
            return;
        }
        try (FakeFaceApi receiver = new FakeFaceApi(0)) {
            receiver.photo(photo.getFileName().toString(), Files.readAllBytes(photo));
            String token = HexFormat.of().formatHex(randomBytes(20));
            receiver.expect("reference", 1, token);
            Map<String, Object> request = Map.of("api_url", receiver.url(), "sources", List.of(Map.of("pk", 1,
                    "type", "reference", "photo_url", receiver.photoUrl(photo.getFileName().toString()), "token", token)));
            String endpoint = "http://127.0.0.1:" + httpPort;
            long t0 = System.nanoTime();
            String client;
            int status;
            if (boto3Available()) {
                client = "boto3 (python3-boto3)";
                status = invokeWithBoto3(endpoint, request);
            } else {
                client = "the AWS SDK's LambdaClient (python3-boto3 not installed)";
                status = invokeWithSdk(endpoint, request);
            }
            System.out.printf("%nfaces: %s -> %s.invoke(FunctionName=%s, InvocationType=\"Event\") on %s: StatusCode %d%n",
                    photo.getFileName(), client, FUNCTION_ARN, endpoint, status);
            FakeFaceApi.Target t = receiver.target("reference", 1);
            long deadline = System.currentTimeMillis() + 120_000;
            while (t.state.equals("awaiting") && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (t.encodings == null) {
                System.out.println("faces: no encodings reached the receiver stand-in (see the log above)");
                return;
            }
            float[] e = t.encodings.get(0);
            System.out.printf("faces: the receiver stand-in got POST /api/facedetection/encodings/reference/1/ after %.1f s:"
                    + " %d face(s), %d floats each [%.4f, %.4f, %.4f, ...] -> reference %s%n",
                    seconds, t.encodings.size(), e.length, e[0], e[1], e[2], t.state);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static boolean boto3Available() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import boto3").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static int invokeWithBoto3(String endpoint, Map<String, Object> request) throws Exception {
        Path script = Files.createTempFile("lambda_invoke", ".py");
        try (InputStream in = FacesDemo.class.getResourceAsStream("/faces/lambda_invoke.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("endpoint", endpoint);
            args.put("region", LocalStack.REGION);
            args.put("key", LocalStack.ACCESS_KEY);
            args.put("secret", LocalStack.SECRET_KEY);
            args.put("function", FUNCTION_ARN);
            args.put("type", "Event");
            args.put("payload", request);
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (var out = p.getOutputStream()) {
                out.write(JSON.writeValueAsBytes(args));
            }
            String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("boto3 invoke failed: " + answer);
            }
            JsonNode r = JSON.readTree(answer);
            if (r.has("error")) {
                throw new IllegalStateException("the Lambda intake refused the demo's invoke: " + r.get("error"));
            }
            return r.get("StatusCode").asInt();
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static int invokeWithSdk(String endpoint, Map<String, Object> request) throws Exception {
        try (LambdaClient lambda = LambdaClient.builder().endpointOverride(URI.create(endpoint))
                .region(Region.of(LocalStack.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalStack.ACCESS_KEY, LocalStack.SECRET_KEY)))
                .build()) {
            SdkBytes payload = SdkBytes.fromUtf8String(JSON.writeValueAsString(request));
            return lambda.invoke(r -> r.functionName(FUNCTION_ARN).invocationType(InvocationType.EVENT)
                    .payload(payload)).statusCode();
        }
    }
}
