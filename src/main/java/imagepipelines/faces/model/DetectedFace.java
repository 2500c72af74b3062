package imagepipelines.faces.model;

/**
 * One face: detector score, box in source pixels, 68 landmarks (x0, y0, x1, y1, ... in source pixels), the box the
 * encoding was computed from, and the 128-float encoding (dlib ResNet space, compare with Euclidean distance).
 */
public record DetectedFace(double score, FaceBox box, double[] landmarks, FaceBox alignedBox, float[] encoding) {
}
