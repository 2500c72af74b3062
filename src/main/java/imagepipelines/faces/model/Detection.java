package imagepipelines.faces.model;

/** A face found by a detector: confidence in (0, 1) and its box in source-image pixels. */
public record Detection(double score, FaceBox box) {
}
