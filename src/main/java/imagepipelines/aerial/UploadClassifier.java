package imagepipelines.aerial;

/**
 * What an object of the imagery bucket is to the pipeline: a georef/ upload, a scan, a COG put into cog/, a key off
 * the layout, or something the pipeline wrote itself (ignored, so nothing loops).
 */
public class UploadClassifier {

    public AerialJob classify(String objectBucket, String key) {
        if (key == null || key.isEmpty() || key.endsWith("/") || key.startsWith("errors/")
                || key.startsWith("mapfiles/")) {
            return output(objectBucket, key);
        }
        String[] parts = key.split("/", -1);
        if (parts.length > 6 && "cog".equals(parts[4])) {
            // our own output (the tile-index downloads): reacting to it would loop
            return output(objectBucket, key);
        }
        try {
            AerialKey k = AerialKey.parse(key);
            AerialJob.Kind kind = switch (k.stage()) {
                case GEOREF -> AerialJob.Kind.GEOREF;
                case SCANNED -> AerialJob.Kind.SCANNED;
                case COG -> AerialJob.Kind.COG;
            };
            return new AerialJob(objectBucket, key, kind, k, null);
        } catch (InvalidAerialKeyException e) {
            if (parts.length == 6 && "cog".equals(parts[4])) {
                return output(objectBucket, key); // not ours to judge
            }
            return new AerialJob(objectBucket, key, AerialJob.Kind.INVALID, null, e.getMessage());
        }
    }

    private static AerialJob output(String bucket, String key) {
        return new AerialJob(bucket, key, AerialJob.Kind.OUTPUT, null, null);
    }
}
