package imagepipelines.faces;

import java.util.Map;

/**
 * Whether an SQS message of faces.queue may be a repeat of a request this service worked on before: SQS received it
 * more than once (a worker died or gave up on it) or it is a copy given back at a shutdown. Only then are the
 * sources' posted marks looked up before encoding (one S3 HEAD each); posts are checked in any case.
 */
public final class RepeatedDelivery {

    private RepeatedDelivery() {
    }

    /** {@code attributes}: the message's system attributes (keys MessageSystemAttributeName or strings). */
    public static boolean of(Map<?, ?> attributes, String shutdownRequeues) {
        if (shutdownRequeues != null && !shutdownRequeues.isBlank()) {
            return true;
        }
        if (attributes == null) {
            return false;
        }
        for (Map.Entry<?, ?> e : attributes.entrySet()) {
            if ("ApproximateReceiveCount".equals(String.valueOf(e.getKey())) && e.getValue() != null) {
                try {
                    return Integer.parseInt(e.getValue().toString().strip()) > 1;
                } catch (NumberFormatException notANumber) {
                    return true;
                }
            }
        }
        return false;
    }
}
