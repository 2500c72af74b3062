package imagepipelines.ingest;

import java.util.Map;

import imagepipelines.common.Settings;

/**
 * The dev and prod profiles ({@code animl.api.secret-required = true}) refuse to start the ingest with an empty
 * {@code animl.api.secret}: every call would be refused by the API gateway (HTTP 403), so nothing could be ingested.
 * Said before Camel starts, with the variable to set.
 */
public final class AnimlApiSecret {

    private AnimlApiSecret() {
    }

    /** @throws IllegalStateException when the ingest runs, the secret is required and it is empty */
    public static void require(Settings settings, Map<String, String> overrides, String workflows) {
        boolean ingest = false;
        for (String w : workflows.split(",")) {
            ingest |= w.trim().equals("ingest");
        }
        boolean required = Boolean.parseBoolean(settings.resolve("{{animl.api.secret-required:false}}", overrides));
        if (ingest && required && settings.resolve("{{animl.api.secret:}}", overrides).isBlank()) {
            throw new IllegalStateException("animl.api.secret is empty: set the environment variable ANIML_API_SECRET"
                    + " to the Animl API key (the x-api-key of its /internal route). The " + settings.profile()
                    + " profile does not start the ingest without it: the API gateway would refuse every call.");
        }
    }
}
