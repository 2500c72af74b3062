package imagepipelines.faces;

/** One source of a face-encodings request (CONTRACTS §2). The token is a secret: {@link #toString()} masks it. */
public record FaceSource(long pk, String type, String photoUrl, String token) {

    public static final String MASK = "***";

    @Override
    public String toString() {
        return "FaceSource[pk=" + pk + ", type=" + type + ", photoUrl=" + UrlPolicy.withoutQuery(photoUrl)
                + ", token=" + MASK + "]";
    }
}
