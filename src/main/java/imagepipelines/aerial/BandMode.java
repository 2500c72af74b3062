package imagepipelines.aerial;

/** Band layout of a collection, the first segment of an imagery key. */
public enum BandMode {
    /** {@code bw}: one band, grayscale. */
    BW("bw", 1),
    /** {@code nc}: natural colour, three bands (red, green, blue). */
    NC("nc", 3);

    private final String token;
    private final int bands;

    BandMode(String token, int bands) {
        this.token = token;
        this.bands = bands;
    }

    /** The key segment, {@code bw} or {@code nc}. */
    public String token() {
        return token;
    }

    /** Number of bands a COG of this mode carries. */
    public int bands() {
        return bands;
    }
}
