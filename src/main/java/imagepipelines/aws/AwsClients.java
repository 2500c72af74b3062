package imagepipelines.aws;

import java.net.URI;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the S3 and SQS clients every route shares (the aws2 components pick them up from the registry). With no
 * endpoint and no keys configured they talk to real AWS through the default credentials chain (IRSA on EKS, the
 * task role on ECS); with an endpoint they talk to the embedded local servers. Only configuration differs.
 */
public final class AwsClients {

    private AwsClients() {
    }

    public static S3Client s3(String region, String endpoint, String accessKey, String secretKey) {
        return s3(region, endpoint, accessKey, secretKey, "when_supported");
    }

    /**
     * CHECKSUMS: {@code when_supported} (the SDK's default: CRC32 on every upload, verified on downloads) or
     * {@code when_required} (only where the S3 API demands one). The local profile uses the latter: over loopback to
     * the embedded server the checksums guard nothing and cost CPU on every image (README, ingest benchmark).
     */
    public static S3Client s3(String region, String endpoint, String accessKey, String secretKey, String checksums) {
        var builder = S3Client.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials(accessKey, secretKey));
        switch (isBlank(checksums) ? "when_supported" : checksums.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "when_supported" -> { } // the SDK's default
            case "when_required" -> builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            default -> throw new IllegalArgumentException(
                    "aws.s3.checksums must be when_supported or when_required, not " + checksums);
        }
        if (!isBlank(endpoint)) {
            // the local server has no virtual-host buckets
            builder.endpointOverride(URI.create(endpoint.trim())).forcePathStyle(true);
        }
        return builder.build();
    }

    public static SqsClient sqs(String region, String endpoint, String accessKey, String secretKey) {
        var builder = SqsClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials(accessKey, secretKey));
        if (!isBlank(endpoint)) {
            builder.endpointOverride(URI.create(endpoint.trim()));
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(String accessKey, String secretKey) {
        if (!isBlank(accessKey) && !isBlank(secretKey)) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey.trim(), secretKey.trim()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
