package imagepipelines.faces.lambda;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An error answer of the Lambda-compatible intake, shaped as AWS Lambda answers it so boto3 raises the same
 * {@code ClientError}: the HTTP status, the {@code x-amzn-ErrorType} header (botocore reads the error code from it)
 * and the JSON body. Invoke's own errors carry {@code {"Type": "User", "message": ...}} (botocore's lambda
 * service-2.json; ResourceNotFoundException and ServiceException spell it {@code Message}); errors of AWS's
 * authentication layer carry only {@code {"message": ...}}.
 */
public record LambdaError(int status, String errorType, String type, String messageField, String message) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The payload is not valid JSON, or not a valid face-encodings request (CONTRACTS §2). */
    public static LambdaError invalidRequestContent(String message) {
        return new LambdaError(400, "InvalidRequestContentException", "User", "message", message);
    }

    public static LambdaError invalidParameterValue(String message) {
        return new LambdaError(400, "InvalidParameterValueException", "User", "message", message);
    }

    public static LambdaError requestTooLarge(String message) {
        return new LambdaError(413, "RequestTooLargeException", "User", "message", message);
    }

    public static LambdaError unsupportedMediaType(String message) {
        return new LambdaError(415, "UnsupportedMediaTypeException", "User", "message", message);
    }

    public static LambdaError functionNotFound(String functionName) {
        return new LambdaError(404, "ResourceNotFoundException", "User", "Message", "Function not found: " + functionName);
    }

    /** Something on our side (e.g. the queue unreachable): the caller may try again later. */
    public static LambdaError service(String message) {
        return new LambdaError(500, "ServiceException", "Service", "Message", message);
    }

    public static LambdaError missingAuthenticationToken() {
        return new LambdaError(403, "MissingAuthenticationTokenException", null, "message", "Missing Authentication Token");
    }

    /** A malformed Authorization header (AWS answers these 400; here 403 like every other refused signature). */
    public static LambdaError incompleteSignature(String message) {
        return new LambdaError(403, "IncompleteSignatureException", null, "message", message);
    }

    public static LambdaError unrecognizedClient() {
        return new LambdaError(403, "UnrecognizedClientException", null, "message",
                "The security token included in the request is invalid.");
    }

    public static LambdaError invalidSignature(String message) {
        return new LambdaError(403, "InvalidSignatureException", null, "message", message);
    }

    public String body() {
        Map<String, String> m = new LinkedHashMap<>();
        if (type != null) {
            m.put("Type", type);
        }
        m.put(messageField, message);
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
