package imagepipelines.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the Prometheus text format of a scrape, and the metric names a PromQL text (dashboard, rules) uses. */
final class MetricNames {

    record Sample(String name, Map<String, String> tags, double value) {
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$", Pattern.MULTILINE);
    private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) ", Pattern.MULTILINE);
    private static final Pattern TAG = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** the names this project's dashboard and rules may use: ours, Camel's, Micrometer's JVM/process binders */
    private static final Pattern USED = Pattern.compile(
            "\\b((?:pipelines|camel|jvm|process|system|animl)_[a-zA-Z0-9_]+)\\b");

    private MetricNames() {
    }

    static List<Sample> samples(String text, String name) {
        List<Sample> out = new ArrayList<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            if (!m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> tags = new TreeMap<>();
            if (m.group(3) != null) {
                Matcher t = TAG.matcher(m.group(3));
                while (t.find()) {
                    tags.put(t.group(1), t.group(2));
                }
            }
            out.add(new Sample(m.group(1), tags, Double.parseDouble(m.group(4))));
        }
        return out;
    }

    /** Every family (# TYPE) and sample name of the scrape (_count, _sum, _bucket, _max of histograms too). */
    static Set<String> of(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        Matcher t = TYPE.matcher(text);
        while (t.find()) {
            out.add(t.group(1));
        }
        return out;
    }

    static Set<String> inExpressions(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = USED.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
