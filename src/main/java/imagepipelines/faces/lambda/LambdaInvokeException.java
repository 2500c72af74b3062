package imagepipelines.faces.lambda;

/** An invocation refused with a Lambda-shaped error (see {@link LambdaError}). */
public final class LambdaInvokeException extends Exception {

    private final LambdaError error;

    public LambdaInvokeException(LambdaError error) {
        super(error.errorType() + ": " + error.message(), null, false, false);
        this.error = error;
    }

    public LambdaError error() {
        return error;
    }
}
