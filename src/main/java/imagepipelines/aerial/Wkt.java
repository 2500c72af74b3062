package imagepipelines.aerial;

import java.util.ArrayList;
import java.util.List;

/** Reads the outer ring of a {@code POLYGON} WKT (as written by PostGIS and OGR). */
final class Wkt {

    private Wkt() {
    }

    static Footprint parsePolygon(String wkt) {
        String s = wkt.strip();
        int open = s.indexOf("((");
        int close = s.indexOf(')', open);
        if (!s.toUpperCase().startsWith("POLYGON") || open < 0 || close < 0) {
            throw new IllegalArgumentException("not a POLYGON WKT: " + wkt);
        }
        List<double[]> ring = new ArrayList<>();
        for (String pair : s.substring(open + 2, close).split(",")) {
            String[] xy = pair.strip().split("\\s+");
            ring.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
        }
        return new Footprint(ring);
    }
}
