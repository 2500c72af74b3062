package imagepipelines.ingest;

/**
 * The Animl API refused our {@code x-api-key}: an outage of ours, retried like any unavailability, but logged once a
 * minute by {@link AnimlApiKeyHealth} instead of once per upload and attempt.
 */
public final class ApiKeyRejectedException extends ApiUnavailableException {
    public ApiKeyRejectedException(String message) {
        super(message);
    }
}
