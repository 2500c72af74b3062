package imagepipelines.common;

import java.util.Map;

/** The body of an HTTP error answer ({@code {"error": "..."}}), written as JSON by routes/common/http-answer.yaml. */
public final class HttpAnswer {

    public Map<String, String> error(String message) {
        return Map.of("error", message == null ? "" : message);
    }
}
