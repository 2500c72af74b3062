package imagepipelines.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The application's configuration keys in environment form (application.properties {@code pipelines.stage} →
 * {@code PIPELINES_STAGE}), from every application*.properties file: its keys and the keys its placeholders name.
 * Deploy descriptors may set only these, plus the few variables read outside the properties.
 */
final class ApplicationKeys {

    /** Read by code or the JVM, not through the properties: Settings, FaceAnalyzer, the JVM launcher. */
    static final Set<String> NON_PROPERTY_VARIABLES = Set.of("CAMEL_MAIN_PROFILE", "IMAGE_PIPELINES_MODELS",
            "JAVA_TOOL_OPTIONS");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z][a-z0-9.-]*)[:}]");

    private final Map<String, String> keyByVariable = new TreeMap<>();

    ApplicationKeys(Path resources) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(resources, "application*.properties")) {
            for (Path f : files) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(f)) {
                    p.load(r);
                }
                for (String key : p.stringPropertyNames()) {
                    add(key);
                    Matcher m = PLACEHOLDER.matcher(p.getProperty(key));
                    while (m.find()) {
                        add(m.group(1));
                    }
                }
            }
        }
    }

    static ApplicationKeys ofProject() throws IOException {
        return new ApplicationKeys(Path.of("src/main/resources"));
    }

    private void add(String key) {
        keyByVariable.put(variable(key), key);
    }

    static String variable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** True when the environment variable sets an application key or is one of the documented others. */
    boolean known(String variable) {
        return keyByVariable.containsKey(variable) || NON_PROPERTY_VARIABLES.contains(variable);
    }

    /** Secrets: values that must come from a Secret store, never from a ConfigMap or a plain value. */
    static boolean secret(String variable) {
        return variable.endsWith("_SECRET") || variable.endsWith("_PASSWORD") || variable.endsWith("_SECRET_KEY")
                || variable.endsWith("_ACCESS_KEY");
    }
}
