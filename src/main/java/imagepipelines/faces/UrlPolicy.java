package imagepipelines.faces;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which URLs the faces workflow may fetch or post to: http(s) only, and only to the hosts of
 * {@code faces.allowed-hosts} (comma list; {@code example.org} exactly, {@code .example.org} or
 * {@code *.example.org} for its subdomains). Applied to photo URLs, the API URL and every redirect.
 */
public final class UrlPolicy {

    private final List<String> exact = new ArrayList<>();
    private final List<String> suffixes = new ArrayList<>();

    public UrlPolicy(String allowedHosts) {
        for (String h : (allowedHosts == null ? "" : allowedHosts).split(",")) {
            String host = h.trim().toLowerCase(Locale.ROOT);
            if (host.isEmpty()) {
                continue;
            }
            if (host.startsWith("*.")) {
                suffixes.add(host.substring(1));
            } else if (host.startsWith(".")) {
                suffixes.add(host);
            } else {
                exact.add(host);
            }
        }
    }

    /** The parsed URI when allowed; otherwise a {@link FaceSourceException} saying why. */
    public URI check(String url) throws FaceSourceException {
        String why = problem(url);
        if (why != null) {
            throw new FaceSourceException(why);
        }
        return URI.create(url);
    }

    /** Why the URL is not allowed, or null when it is. */
    public String problem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "not a valid URL: " + withoutQuery(url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "only http and https URLs are allowed: " + withoutQuery(url);
        }
        if (uri.getRawUserInfo() != null) {
            return "URLs with user information are not allowed: " + withoutQuery(url);
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.isEmpty()) {
            return "URL without host: " + withoutQuery(url);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (exact.contains(host)) {
            return null;
        }
        for (String s : suffixes) {
            if (host.endsWith(s)) {
                return null;
            }
        }
        return "host " + host + " is not in faces.allowed-hosts";
    }

    /** The URL without its query (signed URLs carry credentials there), for logs and reasons. */
    public static String withoutQuery(String url) {
        if (url == null) {
            return null;
        }
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }
}
