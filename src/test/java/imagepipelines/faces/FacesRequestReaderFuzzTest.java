package imagepipelines.faces;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link FacesRequestReader} (and {@link UrlPolicy} under it) with arbitrary request bodies (docs/reliability.md
 * "Hostile input"). Without {@code JAZZER_FUZZ=1} only the seeds in {@code FacesRequestReaderFuzzTestInputs/} run.
 * The contract: a body is either a request whose every URL passes the policy, or refused with an
 * {@link InvalidFacesRequestException} that has a reason; the masking used for dead letters never throws and never
 * lets a token through. Anything else is a crash.
 */
class FacesRequestReaderFuzzTest {

    private static final UrlPolicy POLICY = new UrlPolicy("members.example.org,.media.example.org,127.0.0.1");
    private static final FacesRequestReader READER = new FacesRequestReader(POLICY);

    @FuzzTest(maxDuration = "15s")
    void anyRequestBodyIsReadOrRefusedWithAReason(byte[] data) {
        String body = new String(data, StandardCharsets.UTF_8);
        try {
            FacesRequest r = READER.read(body);
            if (r.sources().isEmpty()) {
                throw new AssertionError("a request without sources was accepted: " + body);
            }
            for (FaceSource s : r.sources()) {
                if (POLICY.problem(s.photoUrl()) != null) {
                    throw new AssertionError("an accepted photo URL fails the policy: " + s.photoUrl());
                }
            }
            if (POLICY.apiUrlProblem(r.apiUrl()) != null) {
                throw new AssertionError("an accepted api_url fails the policy: " + r.apiUrl());
            }
        } catch (InvalidFacesRequestException refused) {
            if (refused.getMessage() == null || refused.getMessage().isBlank()) {
                throw new AssertionError("refused without a reason", refused);
            }
        }
        String masked = FacesRequestReader.masked(body);
        if (masked == null) {
            throw new AssertionError("masking lost the body");
        }
    }
}
