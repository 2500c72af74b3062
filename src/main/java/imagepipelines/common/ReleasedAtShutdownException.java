package imagepipelines.common;

import java.io.IOException;

/**
 * A step stopped because the application is shutting down and gave its SQS message back to the queue
 * ({@link SqsReleaseOnShutdown}): not a fault of the upload, so never an error record or a dead letter. An
 * IOException so that error handling that knows only "transient" leaves the upload in place.
 */
public class ReleasedAtShutdownException extends IOException {

    public ReleasedAtShutdownException(String message) {
        super(message);
    }
}
