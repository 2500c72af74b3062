package imagepipelines.aerial;

/**
 * An upload that needs more scratch disk than the whole disk holds: no retry can ever fit it, so it gets an error
 * record (unlike {@link ScratchFullException}, a disk full now, which is retried and redelivered). The fix is the
 * operator's, not the uploader's: {@link #action()} says what to do.
 */
public class ScratchTooSmallException extends RuntimeException {

    private final long neededMb;

    public ScratchTooSmallException(String what, long neededBytes, long diskBytes) {
        super("needs at least " + ScratchCapacity.mb(neededBytes) + " MB of scratch disk (" + what + "), more than "
                + "the whole scratch disk holds (" + ScratchCapacity.mb(diskBytes) + " MB, pipelines.scratch-dir): "
                + "no retry can fit it");
        this.neededMb = ScratchCapacity.mb(neededBytes);
    }

    /** The error record's {@code action}. */
    public String action() {
        return "the upload was left as it is; give the aerial workers a scratch disk larger than " + neededMb
                + " MB (pipelines.scratch-dir), then delete this record and upload the file again";
    }
}
