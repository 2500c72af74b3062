package imagepipelines.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;

/**
 * The few settings needed before Camel starts (which workflows, which profile, where local data lives), read the
 * way Camel will read them: system property, then environment variable (FOO_BAR for foo.bar), then
 * application-{profile}.properties, then application.properties.
 */
public final class Settings {

    private final Properties files = new Properties();
    private final String profile;

    public Settings() {
        this(System.getProperty("camel.main.profile", System.getenv("CAMEL_MAIN_PROFILE")));
    }

    public Settings(String requestedProfile) {
        String p = requestedProfile;
        profile = p == null || p.isBlank() ? "local" : p.trim();
        load("/application.properties");
        load("/application-" + profile + ".properties");
    }

    public String profile() {
        return profile;
    }

    public String get(String key, String fallback) {
        String v = System.getProperty(key);
        if (v == null) {
            v = System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        if (v == null) {
            v = files.getProperty(key);
        }
        return v == null ? fallback : v.trim();
    }

    /** Resolves Camel-style {{key}} placeholders in a value, looking keys up here (overrides first). */
    public String resolve(String template, java.util.Map<String, String> overrides) {
        String out = template;
        for (int guard = 0; guard < 20 && out.contains("{{"); guard++) {
            int start = out.indexOf("{{");
            int end = out.indexOf("}}", start);
            if (end < 0) {
                break;
            }
            String key = out.substring(start + 2, end);
            String fallback = "";
            int colon = key.indexOf(':');
            if (colon >= 0) {
                fallback = key.substring(colon + 1);
                key = key.substring(0, colon);
            }
            String value = overrides.containsKey(key) ? overrides.get(key) : get(key, fallback);
            out = out.substring(0, start) + value + out.substring(end + 2);
        }
        return out;
    }

    private void load(String resource) {
        try (InputStream in = Settings.class.getResourceAsStream(resource)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                files.putAll(p);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
