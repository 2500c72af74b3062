package imagepipelines.ingest;

import java.io.IOException;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the in-JVM image header reader ({@link ImageHeader}, metadata-extractor's JPEG/PNG/EXIF parsing) and the
 * decode behind it ({@link ThumbnailMaker}: libjpeg-turbo, ImageIO) with arbitrary upload bytes (docs/reliability.md
 * "Hostile input"). Without {@code JAZZER_FUZZ=1} only the seeds in {@code ImageHeaderFuzzTestInputs/} run. The
 * contract: the header reader answers a header or an {@link IOException} with a reason; the thumbnail maker answers
 * thumbnails or an {@link UndecodableImageException} (which the route dead-letters as CORRUPTED_IMAGE_FILE). Any
 * other exception would be dead-lettered as an unexplained INGESTION_ERROR, or retried: a crash here.
 */
class ImageHeaderFuzzTest {

    /** small limit: the fuzzer's inputs are tiny, and a claim above it must be refused before any decode */
    private static final long MAX_PIXELS = 4_000_000;
    private static final ThumbnailMaker MAKER = new ThumbnailMaker(94, 12, 80, MAX_PIXELS);

    @FuzzTest(maxDuration = "20s")
    void anyUploadIsReadOrRefusedWithAReason(byte[] bytes) {
        try {
            ImageHeader h = ImageHeader.read(bytes);
            if (h.width() < 0 || h.height() < 0) {
                throw new AssertionError("a header with a negative size: " + h);
            }
        } catch (IOException refused) {
            reasonGiven(refused);
        }
        try {
            ThumbnailMaker.Thumbnails t = MAKER.make(bytes);
            if ((long) t.width() * t.height() > MAX_PIXELS) {
                throw new AssertionError("decoded " + t.width() + "x" + t.height() + " past the pixel limit");
            }
        } catch (UndecodableImageException refused) {
            reasonGiven(refused);
        }
    }

    private static void reasonGiven(Exception e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("refused without a reason", e);
        }
    }
}
