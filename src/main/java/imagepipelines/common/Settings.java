package imagepipelines.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.camel.CamelContext;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesSource;

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

    /**
     * Resolves {@code {{key}}} and {@code {{key:default}}} placeholders (nested ones too) with Camel's properties
     * component, looking keys up in {@code overrides}, then as {@link #get} does. A key that is nowhere and has no
     * default is an error, as in a route.
     */
    public String resolve(String template, Map<String, String> overrides) {
        PropertiesComponent placeholders = new PropertiesComponent();
        placeholders.setCamelContext(PlaceholderContext.INSTANCE);
        // get() reads system properties and the environment itself, in the order Camel is given them
        placeholders.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        placeholders.setSystemPropertiesMode(PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
        placeholders.addPropertiesSource(new PropertiesSource() {
            @Override
            public String getName() {
                return "settings";
            }

            @Override
            public String getProperty(String key) {
                return overrides.containsKey(key) ? overrides.get(key) : get(key, null);
            }
        });
        placeholders.init();
        return placeholders.parseUri(template);
    }

    /** The properties component needs a context to belong to; this one is never built or started. */
    private static final class PlaceholderContext {
        static final CamelContext INSTANCE = new DefaultCamelContext(false);
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
