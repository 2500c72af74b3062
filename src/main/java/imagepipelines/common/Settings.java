package imagepipelines.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The few settings needed before Camel starts (which workflows, which profile, where local data lives), read the
 * way Camel will read them: system property, then environment variable (FOO_BAR for foo.bar), then
 * application-{profile}.properties, then application.properties. {@link #fromEnvironment()} gives Camel the same
 * order for every key.
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
            v = System.getenv(envName(key));
        }
        if (v == null) {
            v = files.getProperty(key);
        }
        return v == null ? fallback : v.trim();
    }

    /** The environment variable that sets {@code key}: {@code camel.server.port} → {@code CAMEL_SERVER_PORT}. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    }

    /**
     * Every key of application.properties and the profile's file that is set as a system property or in the
     * environment, with that value. Handed to Camel as override properties, so that the environment wins over
     * every file in every profile, for every key: placeholders alone did not do it for options Camel binds itself
     * ({@code camel.server.port} stayed at the profile file's 8080 while {@code CAMEL_SERVER_PORT} moved only the
     * management port, which reads it through a placeholder).
     */
    public Map<String, String> fromEnvironment() {
        return fromEnvironment(System.getenv(), System.getProperties());
    }

    public Map<String, String> fromEnvironment(Map<String, String> env, Properties system) {
        Map<String, String> out = new TreeMap<>();
        for (String key : files.stringPropertyNames()) {
            String v = system.getProperty(key);
            if (v == null) {
                v = env.get(envName(key));
            }
            if (v != null) {
                out.put(key, v.trim());
            }
        }
        return out;
    }

    /** The keys the profile's files define (application.properties and application-{profile}.properties). */
    public java.util.Set<String> keys() {
        return new java.util.TreeSet<>(files.stringPropertyNames());
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
