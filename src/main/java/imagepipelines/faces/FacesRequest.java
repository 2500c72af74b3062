package imagepipelines.faces;

import java.util.List;

/** A validated face-encodings request: the receiver's base URL (no trailing slash) and its sources. */
public record FacesRequest(String apiUrl, List<FaceSource> sources) {

    /** Where the encodings of one source are posted. */
    public String resultUrl(FaceSource s) {
        return apiUrl + "/api/facedetection/encodings/" + s.type() + "/" + s.pk() + "/";
    }
}
