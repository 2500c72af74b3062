package imagepipelines.faces;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which URLs the faces workflow may fetch or post to: http(s) only, and only to the hosts of
 * {@code faces.allowed-hosts} (comma list; {@code example.org} exactly, {@code .example.org} or
 * {@code *.example.org} for its subdomains). Applied to photo URLs, the API URL and every redirect. Shorthand IPv4
 * forms ({@code 127.1}, {@code 2130706433}, {@code 0x7f.0.0.1}) are read as the address they mean and checked as
 * such; {@code api_url} must moreover be a plain base URL (see {@link #apiUrlProblem}).
 */
public final class UrlPolicy {

    /** A plain path prefix: segments of unreserved characters, none of them only dots. */
    private static final Pattern PLAIN_PATH = Pattern.compile("(/[A-Za-z0-9_~.-]+)*");
    private static final Pattern DOTS = Pattern.compile("/\\.+(/|$)");
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9_-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9_-]*[a-z0-9])?)*\\.?");

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

    /**
     * The policy of the faces workflow's configuration: an empty list would refuse every request, so start-up
     * fails instead, naming the key and its environment variable.
     */
    public static UrlPolicy configured(String allowedHosts) {
        if (allowedHosts == null || allowedHosts.replace(",", "").isBlank()) {
            throw new IllegalStateException("faces.allowed-hosts is empty, so the faces workflow would refuse every"
                    + " request: set it (environment variable FACES_ALLOWED_HOSTS) to the members' site's host and its"
                    + " media host, e.g. FACES_ALLOWED_HOSTS=members.example.org,media.example.org");
        }
        return new UrlPolicy(allowedHosts);
    }

    /** The parsed URI when allowed (shorthand IPv4 hosts written in full); otherwise why not. */
    public URI check(String url) throws FaceSourceException {
        String why = problem(url);
        if (why != null) {
            throw new FaceSourceException(why);
        }
        return URI.create(normalized(url));
    }

    /** Why the URL is not allowed, or null when it is. */
    public String problem(String url) {
        Parsed p = parse(url);
        if (p.problem != null) {
            return p.problem;
        }
        return allowed(p.host) ? null : "host " + p.shown() + " is not in faces.allowed-hosts";
    }

    /**
     * Why {@code api_url} (trailing slashes already removed) is not acceptable, or null: a scheme, a host, an
     * optional port and at most a plain path prefix. The encodings are POSTed below it, so a query, a fragment,
     * user information, percent-encoded characters (%2f, %5c, %2e, ...), backslashes or dot segments could steer the
     * POST to another path or host.
     */
    public String apiUrlProblem(String url) {
        if (url.indexOf('?') >= 0) {
            return "must not have a query (?...): only scheme, host, optional port and path prefix";
        }
        if (url.indexOf('#') >= 0) {
            return "must not have a fragment (#...)";
        }
        if (url.indexOf('%') >= 0) {
            return "must not contain percent-encoded characters (%2f, %5c, %2e, ...)";
        }
        if (url.indexOf('\\') >= 0) {
            return "must not contain a backslash";
        }
        Parsed p = parse(url);
        if (p.problem != null) {
            return p.problem;
        }
        String path = p.uri.getRawPath() == null ? "" : p.uri.getRawPath();
        if (DOTS.matcher(path).find()) {
            return "must not contain . or .. path segments";
        }
        if (!PLAIN_PATH.matcher(path).matches()) {
            return "path prefix may only hold letters, digits and - . _ ~ between slashes: " + path;
        }
        return allowed(p.host) ? null : "host " + p.shown() + " is not in faces.allowed-hosts";
    }

    /** The URL with a shorthand IPv4 host written in full (what the check was made against); else unchanged. */
    public static String normalized(String url) {
        Parsed p = parse(url);
        if (p.problem != null || p.host.equals(p.rawHost)) {
            return url;
        }
        int start = url.indexOf("//") + 2;
        return url.substring(0, start) + p.host + url.substring(start + p.rawHost.length());
    }

    private boolean allowed(String host) {
        if (exact.contains(host)) {
            return true;
        }
        for (String s : suffixes) {
            if (host.endsWith(s)) {
                return true;
            }
        }
        return false;
    }

    /** A URL read for the policy: its host (lower case, shorthand IPv4 in full, no trailing dot) or a problem. */
    private record Parsed(URI uri, String rawHost, String host, String problem) {
        String shown() {
            return host.equals(rawHost) ? host : rawHost + " (the IPv4 address " + host + ")";
        }
    }

    private static Parsed parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return new Parsed(null, null, null, "not a valid URL: " + withoutQuery(url));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return new Parsed(uri, null, null, "only http and https URLs are allowed: " + withoutQuery(url));
        }
        // java.net.URI leaves the host null for names it cannot read as a host name or dotted quad (127.1,
        // 2130706433, my_host): read the authority here instead
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            return new Parsed(uri, null, null, "URL without host: " + withoutQuery(url));
        }
        if (authority.indexOf('@') >= 0) {
            return new Parsed(uri, null, null, "URLs with user information are not allowed: " + withoutQuery(url));
        }
        String rawHost = authority;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            rawHost = close < 0 ? authority : authority.substring(0, close + 1);
        } else if (authority.indexOf(':') >= 0) {
            rawHost = authority.substring(0, authority.indexOf(':'));
        }
        String rest = authority.substring(rawHost.length());
        if (!rest.isEmpty() && !rest.matches(":[0-9]{1,5}")) {
            return new Parsed(uri, null, null, "invalid port in " + withoutQuery(url));
        }
        String host = rawHost.toLowerCase(Locale.ROOT);
        if (host.isEmpty()) {
            return new Parsed(uri, rawHost, null, "URL without host: " + withoutQuery(url));
        }
        if (!host.startsWith("[")) {
            String ipv4 = Ipv4Shorthand.expand(host);
            if (ipv4 != null) {
                host = ipv4;
            } else if (!HOST_NAME.matcher(host).matches()) {
                return new Parsed(uri, rawHost, null, "host " + rawHost + " is not a valid host name: " + withoutQuery(url));
            }
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return new Parsed(uri, rawHost, host, null);
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
