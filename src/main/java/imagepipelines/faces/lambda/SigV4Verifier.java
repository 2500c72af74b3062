package imagepipelines.faces.lambda;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

/**
 * Checks an AWS Signature Version 4 ({@code Authorization: AWS4-HMAC-SHA256 ...}) on a received request by signing
 * the same request again with the AWS SDK's own signer (see {@link #sdkSignsContentSha256}) under the caller's secret, at the
 * caller's {@code X-Amz-Date}, over exactly the headers the caller signed, and comparing the signatures in constant
 * time. Refusals are {@link LambdaInvokeException}s shaped as AWS's (403). Secrets and signatures never appear in a
 * message.
 */
public final class SigV4Verifier {

    /** A request as it arrived: the raw (still percent-encoded) path and query, headers by name, the body bytes. */
    public record Received(String method, String rawUri, Map<String, List<String>> headers, byte[] body) {
        public Received {
            TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            h.putAll(headers);
            headers = h;
        }

        String header(String name) {
            List<String> v = headers.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

    private final Map<String, String> secrets;
    private final String region;
    private final String service;
    private final Duration maxSkew;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    @SuppressWarnings("deprecation")
    private final Aws4Signer aws4 = Aws4Signer.create();

    /**
     * {@code accessKeys}: {@code AKID:SECRET} pairs, comma-separated (several while a key is rotated); {@code region}
     * and {@code service} the credential scope callers must sign for.
     */
    public SigV4Verifier(String accessKeys, String region, String service, Duration maxSkew, Clock clock) {
        this.secrets = parseKeys(accessKeys);
        this.region = region;
        this.service = service;
        this.maxSkew = maxSkew;
        this.clock = clock;
    }

    public boolean hasKeys() {
        return !secrets.isEmpty();
    }

    /** The access key ids accepted (for the start-up log; never the secrets). */
    public List<String> accessKeyIds() {
        return List.copyOf(secrets.keySet());
    }

    static Map<String, String> parseKeys(String accessKeys) {
        Map<String, String> m = new LinkedHashMap<>();
        if (accessKeys == null) {
            return m;
        }
        for (String pair : accessKeys.split(",")) {
            String p = pair.strip();
            // ":" is what an unset AKID:SECRET template leaves
            if (p.isEmpty() || p.equals(":")) {
                continue;
            }
            int colon = p.indexOf(':');
            if (colon <= 0 || colon == p.length() - 1) {
                // the value may hold a secret: say where, not what
                throw new IllegalArgumentException("faces.intake.lambda.access-key: entry " + (m.size() + 1)
                        + " is not of the form ACCESS_KEY_ID:SECRET_ACCESS_KEY");
            }
            m.put(p.substring(0, colon).strip(), p.substring(colon + 1).strip());
        }
        return m;
    }

    /** Returns the access key id that signed {@code r}, or refuses it. */
    public String verify(Received r) throws LambdaInvokeException {
        String authorization = r.header("Authorization");
        if (authorization == null || authorization.isBlank()) {
            throw refuse(LambdaError.missingAuthenticationToken());
        }
        String auth = authorization.strip();
        if (!auth.startsWith(ALGORITHM + " ")) {
            throw refuse(LambdaError.incompleteSignature("Authorization header must use " + ALGORITHM
                    + " (Credential, SignedHeaders, Signature)."));
        }
        Map<String, String> parts = new TreeMap<>();
        for (String part : auth.substring(ALGORITHM.length()).split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
            }
        }
        for (String required : List.of("Credential", "SignedHeaders", "Signature")) {
            if (!parts.containsKey(required) || parts.get(required).isEmpty()) {
                throw refuse(LambdaError.incompleteSignature("Authorization header requires '" + required
                        + "' parameter."));
            }
        }
        String[] scope = parts.get("Credential").split("/");
        if (scope.length != 5 || !scope[4].equals("aws4_request")) {
            throw refuse(LambdaError.incompleteSignature(
                    "Credential must be ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request."));
        }
        String keyId = scope[0];
        String secret = secrets.get(keyId);
        if (secret == null || r.header("X-Amz-Security-Token") != null) {
            // a session token means temporary credentials issued by AWS, which this service cannot check
            throw refuse(LambdaError.unrecognizedClient());
        }
        if (!scope[3].equals(service)) {
            throw refuse(LambdaError.invalidSignature("Credential should be scoped to correct service: '" + service + "'."));
        }
        if (!scope[2].equals(region)) {
            throw refuse(LambdaError.invalidSignature("Credential should be scoped to a valid region, not '" + scope[2]
                    + "'. This endpoint accepts '" + region + "' (faces.intake.lambda.region)."));
        }
        String amzDate = r.header("X-Amz-Date");
        if (amzDate == null) {
            throw refuse(LambdaError.incompleteSignature(
                    "Authorization header requires existence of a 'X-Amz-Date' header."));
        }
        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(amzDate.strip(), AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw refuse(LambdaError.incompleteSignature("X-Amz-Date must be of the form YYYYMMDD'T'HHMMSS'Z'."));
        }
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(maxSkew))) {
            throw refuse(LambdaError.invalidSignature("Signature expired: " + amzDate.strip() + " is now earlier than "
                    + AMZ_DATE.format(now.minus(maxSkew).atOffset(ZoneOffset.UTC)) + " ("
                    + AMZ_DATE.format(now.atOffset(ZoneOffset.UTC)) + " - " + maxSkew.toMinutes() + " min.)"));
        }
        if (signedAt.isAfter(now.plus(maxSkew))) {
            throw refuse(LambdaError.invalidSignature("Signature not yet current: " + amzDate.strip()
                    + " is still later than " + AMZ_DATE.format(now.plus(maxSkew).atOffset(ZoneOffset.UTC)) + " ("
                    + AMZ_DATE.format(now.atOffset(ZoneOffset.UTC)) + " + " + maxSkew.toMinutes() + " min.)"));
        }
        if (!scope[1].equals(amzDate.strip().substring(0, 8))) {
            throw refuse(LambdaError.invalidSignature("Date in Credential scope does not match YYYYMMDD from X-Amz-Date."));
        }
        String expected = signature(r, parts.get("SignedHeaders"), keyId, secret, signedAt);
        if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                parts.get("Signature").getBytes(StandardCharsets.US_ASCII))) {
            throw refuse(LambdaError.invalidSignature("The request signature we calculated does not match the signature"
                    + " you provided. Check your AWS Secret Access Key and signing method."));
        }
        return keyId;
    }

    /** The signature the SDK's signer computes for {@code r} over {@code signedHeaders}; null if a header is missing. */
    private String signature(Received r, String signedHeaders, String keyId, String secret, Instant signedAt) {
        SdkHttpRequest.Builder b = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(r.method().toUpperCase(Locale.ROOT)));
        String host = r.header("Host");
        if (host == null) {
            return null;
        }
        // the signer writes the Host header from host, port and protocol: choose them so it writes back exactly the
        // Host header received (a port is kept only when it is not the protocol's default)
        int colon = host.lastIndexOf(':');
        if (colon > 0 && colon > host.lastIndexOf(']') && host.substring(colon + 1).matches("\\d{1,5}")) {
            int port = Integer.parseInt(host.substring(colon + 1));
            b.host(host.substring(0, colon)).port(port).protocol(port == 80 ? "https" : "http");
        } else {
            b.host(host).protocol("https").port(443);
        }
        String uri = r.rawUri();
        int q = uri.indexOf('?');
        b.encodedPath(q < 0 ? uri : uri.substring(0, q));
        if (q >= 0) {
            for (String pair : uri.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                b.appendRawQueryParameter(name, value);
            }
        }
        for (String name : signedHeaders.split(";")) {
            if (name.equalsIgnoreCase("host")) {
                continue;
            }
            List<String> values = r.headers().get(name);
            if (values == null) {
                return null;
            }
            b.putHeader(name, new ArrayList<>(values));
        }
        byte[] body = r.body() == null ? new byte[0] : r.body();
        String ours = sdkSignsContentSha256(signedHeaders)
                ? signV4Http(b.build(), body, keyId, secret, signedAt)
                : signAws4(b.build(), body, keyId, secret, signedAt);
        String oursSigned = field(ours, "SignedHeaders");
        if (!signedHeaders.equalsIgnoreCase(oursSigned)) {
            // the SDK signed other headers than the caller did (e.g. one the caller left out): not the same request
            return null;
        }
        return field(ours, "Signature");
    }

    /**
     * The SDK's two SigV4 signers differ in one thing: {@link AwsV4HttpSigner} always adds and signs
     * {@code x-amz-content-sha256} (as AWS SDKs for Java v2, Go v2 and JS v3 send it), while botocore (boto3) sends that
     * header only to S3. So a caller that signed the header is checked with AwsV4HttpSigner, and one that did not
     * (boto3 calling Lambda) with the SDK's {@code Aws4Signer}, which signs the header only when it is asked to.
     */
    private static boolean sdkSignsContentSha256(String signedHeaders) {
        return List.of(signedHeaders.toLowerCase(Locale.ROOT).split(";")).contains("x-amz-content-sha256");
    }

    private String signV4Http(SdkHttpRequest request, byte[] body, String keyId, String secret, Instant signedAt) {
        SignedRequest signed = signer.sign(s -> s
                .identity(AwsCredentialsIdentity.create(keyId, secret))
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC))
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, true)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, true)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true));
        return signed.request().firstMatchingHeader("Authorization").orElse("");
    }

    @SuppressWarnings("deprecation") // Aws4Signer: the SDK's SigV4 signer that leaves x-amz-content-sha256 out, as boto3 does
    private String signAws4(SdkHttpRequest request, byte[] body, String keyId, String secret, Instant signedAt) {
        Aws4SignerParams params = Aws4SignerParams.builder()
                .awsCredentials(AwsBasicCredentials.create(keyId, secret))
                .signingName(service)
                .signingRegion(Region.of(region))
                .signingClockOverride(Clock.fixed(signedAt, ZoneOffset.UTC))
                .doubleUrlEncode(true)
                .normalizePath(true)
                .build();
        SdkHttpFullRequest full = SdkHttpFullRequest.builder()
                .method(request.method()).protocol(request.protocol()).host(request.host()).port(request.port())
                .encodedPath(request.encodedPath()).rawQueryParameters(request.rawQueryParameters())
                .headers(request.headers()).contentStreamProvider(ContentStreamProvider.fromByteArray(body)).build();
        return aws4.sign(full, params).firstMatchingHeader("Authorization").orElse("");
    }

    private static String field(String authorization, String name) {
        for (String part : authorization.split("[ ,]+")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static LambdaInvokeException refuse(LambdaError e) {
        return new LambdaInvokeException(e);
    }
}
