package imagepipelines.faces.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Runs {@link FaceModelBenchmark} briefly so its figures show in the build log; only checks that it works. */
class FaceModelBenchmarkTest {
    @Test
    void benchmarkRuns() throws Exception {
        String report = FaceModelBenchmark.run(FaceTestSupport.modelDir(), 5);
        System.out.println(report);
        assertTrue(report.contains("WebP, 1 face(s)") && report.contains("JPEG, 1 face(s)"), report);
    }
}
