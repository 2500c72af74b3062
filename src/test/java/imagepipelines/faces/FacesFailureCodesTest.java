package imagepipelines.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import imagepipelines.common.ErrorCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reasons the faces workflow gives (messages of PhotoFetcher, UrlPolicy, FaceEncoder, EncodingPoster) map to a
 * few error codes for the metrics, never to the message itself (which names hosts and URLs).
 */
class FacesFailureCodesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "photo download answered 404: http://127.0.0.1:5000/photos/missing.png | PHOTO_DOWNLOAD_FAILED",
        "photo download exceeded its deadline of 30000 ms (faces.download.deadline-ms) | PHOTO_DOWNLOAD_FAILED",
        "photo host did not answer within 1000 ms (faces.download.timeout-ms) | PHOTO_DOWNLOAD_FAILED",
        "more than 3 redirects: http://a.example.org/x | PHOTO_DOWNLOAD_FAILED",
        "photo larger than faces.max-photo-bytes (8000000 bytes) | PHOTO_TOO_LARGE",
        "image of 30000x30000 pixels is larger than faces.max-pixels (40000000) | PHOTO_TOO_LARGE",
        "image too large to decode | PHOTO_TOO_LARGE",
        "not a decodable image (JPEG, PNG or WebP expected): bad header | NOT_AN_IMAGE",
        "host evil.example.com is not in faces.allowed-hosts | URL_NOT_ALLOWED",
        "redirect refused: host evil.example.com is not in faces.allowed-hosts | URL_NOT_ALLOWED",
        "only http and https URLs are allowed: ftp://x/y | URL_NOT_ALLOWED",
        "receiver answered 403 {\"detail\":\"Invalid token.\"} (http://x/api/) | RECEIVER_REFUSED",
        "7 faces found: their encodings are larger than an SQS message can hold (256000 bytes) | ENCODINGS_TOO_LARGE",
        "something else | FACES_FAILED"})
    void permanentFailures(String message, String code) {
        assertEquals(code, FacesFailureCodes.of(new FaceSourceException(message), false));
    }

    @Test
    void transientFailuresThatPersistedAreUnavailability() {
        assertEquals("PHOTO_HOST_UNAVAILABLE", FacesFailureCodes.of(new TransientFaceException("photo host answered 503: x"), false));
        assertEquals("RECEIVER_UNAVAILABLE", FacesFailureCodes.of(new TransientFaceException("receiver answered 502 (x)"), true));
    }

    @Test
    void otherExceptionsByTheirClass() {
        assertEquals("ILLEGAL_STATE", FacesFailureCodes.of(new IllegalStateException("a key s3://b/k"), false));
        assertEquals("IO", ErrorCodes.of(new java.io.IOException("x")));
        assertEquals("SDK_CLIENT", ErrorCodes.of(software.amazon.awssdk.core.exception.SdkClientException.create("x")));
    }
}
