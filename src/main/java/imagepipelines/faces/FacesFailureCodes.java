package imagepipelines.faces;

import java.util.Locale;

/**
 * A failed source's reason as one of a few error codes, for the {@code error_code} tag of the outcome counters (the
 * reason itself names URLs and hosts, which must never become metric tags). The faces exceptions carry only a
 * message, so the code is read from the message's leading words, with the exception type as fallback.
 */
public final class FacesFailureCodes {

    private FacesFailureCodes() {
    }

    /** {@code posting}: it failed while posting to the receiver (not while downloading or encoding). */
    public static String of(Throwable e, boolean posting) {
        if (e instanceof TransientFaceException) {
            return posting ? "RECEIVER_UNAVAILABLE" : "PHOTO_HOST_UNAVAILABLE";
        }
        String m = e == null || e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (m.startsWith("receiver answered")) {
            return "RECEIVER_REFUSED";
        }
        if (m.contains("sqs message")) {
            return "ENCODINGS_TOO_LARGE";
        }
        if (m.contains("larger than") || m.contains("too large")) {
            return "PHOTO_TOO_LARGE";
        }
        if (m.startsWith("not a decodable image")) {
            return "NOT_AN_IMAGE";
        }
        if (m.startsWith("redirect refused") || m.contains("allowed-hosts") || m.contains("refused before connecting") || m.startsWith("must not")
                || m.startsWith("only http") || m.startsWith("url") || m.startsWith("not a valid url")) {
            return "URL_NOT_ALLOWED";
        }
        if (m.startsWith("photo ") || m.contains("redirect")) {
            return "PHOTO_DOWNLOAD_FAILED";
        }
        return e instanceof FaceSourceException || e == null ? "FACES_FAILED"
                : imagepipelines.common.ErrorCodes.of(e);
    }
}
