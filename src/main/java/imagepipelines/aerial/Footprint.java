package imagepipelines.aerial;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The outline of a raster as one closed polygon ring (first point repeated last), in EPSG:3857.
 * The edges are densified so that a reprojected outline follows the curved edges of the source.
 */
public record Footprint(List<double[]> ring) {

    public static final int SRID = 3857;

    public Footprint {
        if (ring == null || ring.size() < 4) {
            throw new IllegalArgumentException("a polygon ring needs at least 4 points");
        }
        List<double[]> copy = new ArrayList<>(ring.size() + 1);
        for (double[] p : ring) {
            if (p.length < 2 || !Double.isFinite(p[0]) || !Double.isFinite(p[1])) {
                throw new IllegalArgumentException("footprint point is not finite");
            }
            copy.add(new double[] {p[0], p[1]});
        }
        double[] first = copy.get(0);
        double[] last = copy.get(copy.size() - 1);
        if (first[0] != last[0] || first[1] != last[1]) {
            copy.add(new double[] {first[0], first[1]});
        }
        ring = Collections.unmodifiableList(copy);
    }

    /** A rectangle, for callers that only know an envelope. */
    public static Footprint of(Envelope e) {
        return new Footprint(List.of(new double[] {e.minX(), e.minY()}, new double[] {e.maxX(), e.minY()},
                new double[] {e.maxX(), e.maxY()}, new double[] {e.minX(), e.maxY()}));
    }

    public Envelope envelope() {
        double minX = Double.POSITIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (double[] p : ring) {
            minX = Math.min(minX, p[0]);
            minY = Math.min(minY, p[1]);
            maxX = Math.max(maxX, p[0]);
            maxY = Math.max(maxY, p[1]);
        }
        return new Envelope(minX, minY, maxX, maxY);
    }

    /** {@code POLYGON ((x y, ...))} */
    public String toWkt() {
        StringBuilder sb = new StringBuilder("POLYGON ((");
        for (int i = 0; i < ring.size(); i++) {
            double[] p = ring.get(i);
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(String.format(Locale.ROOT, "%.4f %.4f", p[0], p[1]));
        }
        return sb.append("))").toString();
    }
}
