package imagepipelines.aerial;

import java.util.Locale;

/** An axis-aligned rectangle, in EPSG:3857 metres wherever this package uses it. */
public record Envelope(double minX, double minY, double maxX, double maxY) {

    public Envelope {
        if (!(minX <= maxX && minY <= maxY)) {
            throw new IllegalArgumentException("empty or inverted envelope: " + minX + "," + minY + "," + maxX
                    + "," + maxY);
        }
    }

    public Envelope union(Envelope o) {
        return new Envelope(Math.min(minX, o.minX), Math.min(minY, o.minY), Math.max(maxX, o.maxX),
                Math.max(maxY, o.maxY));
    }

    public double width() {
        return maxX - minX;
    }

    public double height() {
        return maxY - minY;
    }

    /** {@code minx miny maxx maxy} as MapServer's EXTENT and map2img's -e want it. */
    public String toMapserver() {
        return String.format(Locale.ROOT, "%.3f %.3f %.3f %.3f", minX, minY, maxX, maxY);
    }
}
