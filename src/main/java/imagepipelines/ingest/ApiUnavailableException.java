package imagepipelines.ingest;

import java.io.IOException;

/**
 * The API could not take the request now (5xx, refused, timed out, or our key is not accepted): retried with
 * backoff, and if it stays so the upload is left where it is for a later try — never dead-lettered for it.
 */
public class ApiUnavailableException extends IOException {
    public ApiUnavailableException(String message) {
        super(message);
    }
}
