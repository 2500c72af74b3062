package imagepipelines.faces;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Time spent per stage of the faces routes (count and total), for the benchmark and the logs. */
public final class FacesStats {

    private final Map<String, LongAdder[]> stages = new ConcurrentHashMap<>();

    public void add(String stage, long nanos) {
        LongAdder[] a = stages.computeIfAbsent(stage, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        a[0].increment();
        a[1].add(nanos);
    }

    /** Mean milliseconds per stage. */
    public Map<String, Double> meansMs() {
        Map<String, Double> out = new LinkedHashMap<>();
        stages.forEach((k, a) -> out.put(k, a[0].sum() == 0 ? 0 : a[1].sum() / 1e6 / a[0].sum()));
        return out;
    }

    public long count(String stage) {
        LongAdder[] a = stages.get(stage);
        return a == null ? 0 : a[0].sum();
    }

    public void reset() {
        stages.clear();
    }
}
