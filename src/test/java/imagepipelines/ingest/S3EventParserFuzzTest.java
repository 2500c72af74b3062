package imagepipelines.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link S3EventParser} with arbitrary queue message bodies (docs/reliability.md "Hostile input"). Without
 * {@code JAZZER_FUZZ=1} only the seeds in {@code S3EventParserFuzzTestInputs/} run (a regression test); with it,
 * Jazzer mutates them for {@code maxDuration}. The contract: a body either yields uploads with a bucket and key or is
 * refused with an {@link IOException} (not JSON) or an {@link IllegalArgumentException} saying why. Anything else
 * (a NullPointerException, ClassCastException, ...) is a crash.
 */
class S3EventParserFuzzTest {

    private static final S3EventParser PARSER = new S3EventParser();

    @FuzzTest(maxDuration = "15s")
    void anyMessageBodyIsParsedOrRefusedWithAReason(byte[] data) {
        String body = new String(data, StandardCharsets.UTF_8);
        try {
            for (UploadKey u : PARSER.parse(body)) {
                if (u.bucket() == null || u.bucket().isEmpty() || u.key() == null || u.key().isEmpty()) {
                    throw new AssertionError("an upload without bucket or key from " + body);
                }
            }
            PARSER.objects(body, "ObjectRemoved:");
        } catch (IOException | IllegalArgumentException refused) {
            if (refused.getMessage() == null) {
                throw new AssertionError("refused without a reason", refused);
            }
        }
    }
}
