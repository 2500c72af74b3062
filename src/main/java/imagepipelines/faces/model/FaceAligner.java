package imagepipelines.faces.model;

/**
 * Chooses the image region the recognition net sees, exactly as face-api 1.7.15 does for descriptors
 * ({@code landmarks.align(null, {useDlibAlignment: true})}): a square of side {@code eye-to-mouth distance / 0.45}
 * placed around the centre of the two eye centres and the mouth centre (0.5 of the side to the left, 0.43 above).
 * The crop is axis-aligned (no rotation): encodings then match face-api's, which is what the stored encodings of the
 * members' site were computed with.
 */
public final class FaceAligner {
    private static final double REL_X = 0.5;
    private static final double REL_Y = 0.43;
    private static final double REL_SCALE = 0.45;

    private FaceAligner() {
    }

    /**
     * @param landmarks 68 points (x0, y0, ...) in image coordinates
     * @param landmarkCropWidth  width of the crop the landmarks were found in (face-api bounds the box by it)
     * @param landmarkCropHeight height of that crop
     */
    public static FaceBox alignedBox(double[] landmarks, int landmarkCropWidth, int landmarkCropHeight) {
        double[] le = centre(landmarks, 36, 42);
        double[] re = centre(landmarks, 42, 48);
        double[] mouth = centre(landmarks, 48, 68);
        double dist = (Math.hypot(mouth[0] - le[0], mouth[1] - le[1])
                + Math.hypot(mouth[0] - re[0], mouth[1] - re[1])) / 2;
        double size = Math.floor(dist / REL_SCALE);
        double refX = (le[0] + re[0] + mouth[0]) / 3;
        double refY = (le[1] + re[1] + mouth[1]) / 3;
        double x = Math.floor(Math.max(0, refX - REL_X * size));
        double y = Math.floor(Math.max(0, refY - REL_Y * size));
        return new FaceBox(x, y, Math.min(size, landmarkCropWidth + x), Math.min(size, landmarkCropHeight + y));
    }

    private static double[] centre(double[] pts, int from, int to) {
        double sx = 0;
        double sy = 0;
        for (int i = from; i < to; i++) {
            sx += pts[2 * i];
            sy += pts[2 * i + 1];
        }
        return new double[] {sx / (to - from), sy / (to - from)};
    }
}
