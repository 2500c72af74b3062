package imagepipelines.faces;

/** The request as a whole is malformed or not allowed; nothing of it is processed. */
public class InvalidFacesRequestException extends Exception {
    public InvalidFacesRequestException(String message) {
        super(message);
    }
}
