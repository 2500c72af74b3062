package imagepipelines.local.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The inputs of a scenario: distinct camera-trap JPEGs (the small samples with a JPEG comment each, so every one has
 * its own hash and image id), one in ten from a camera the Animl API does not know (an expected dead letter), and
 * bulk zips of such images. Each input is remembered by the key it will have in the ingestion bucket and its MD5.
 */
final class Corpus {

    /** One image as it will appear in the ingestion bucket. */
    record Input(String key, String md5) {
        String imageId() {
            return "default_project:" + md5;
        }
    }

    private static final String[] KNOWN = {"reconyx_hc550_small.jpg", "reconyx_hc500_night_ir_small.jpg",
        "reconyx_hf2_serialA_1.jpg"};
    private static final String UNKNOWN_CAMERA = "bushnell_small.jpg";

    private final List<byte[]> known = new ArrayList<>();
    private final byte[] unknown;
    private final List<Input> inputs = new ArrayList<>();
    private int made;

    Corpus() throws IOException {
        Path samples = samples();
        for (String k : KNOWN) {
            known.add(Files.readAllBytes(samples.resolve(k)));
        }
        unknown = Files.readAllBytes(samples.resolve(UNKNOWN_CAMERA));
    }

    List<Input> inputs() {
        return List.copyOf(inputs);
    }

    /** Uploads {@code n} single images under {@code prefix}. */
    void uploadImages(S3Client s3, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            byte[] jpeg = next();
            String key = prefix + "/cam-" + (i % 7) + "/IMG_" + String.format("%05d", i) + ".JPG";
            s3.putObject(r -> r.bucket(FaultStack.INGESTION).key(key), RequestBody.fromBytes(jpeg));
            inputs.add(new Input(key, md5(jpeg)));
        }
    }

    /** Writes a {@code batch-<uuid>.zip} of {@code n} images in folders and uploads it; its entries become inputs. */
    String uploadZip(S3Client s3, Path dir, int n) throws IOException {
        String batch = "batch-" + UUID.randomUUID();
        Path zip = dir.resolve(batch + ".zip");
        Files.createDirectories(dir);
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            for (int i = 0; i < n; i++) {
                byte[] jpeg = next();
                String path = "site-" + (i % 5) + "/camera-" + (i % 3) + "/IMG_" + String.format("%05d", i) + ".JPG";
                out.putNextEntry(new ZipEntry(path));
                out.write(jpeg);
                out.closeEntry();
                inputs.add(new Input(batch + "/" + path, md5(jpeg)));
            }
        }
        s3.putObject(r -> r.bucket(FaultStack.INGESTION).key(batch + ".zip"), RequestBody.fromFile(zip));
        return batch;
    }

    private byte[] next() {
        int i = made++;
        byte[] base = i % 10 == 9 ? unknown : known.get(i % known.size());
        return withComment(base, "fault suite image " + i + " " + UUID.randomUUID());
    }

    /** A JPEG comment (COM) segment right after SOI: same pixels, different bytes and hash. */
    static byte[] withComment(byte[] jpeg, String comment) {
        byte[] text = comment.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + text.length + 4);
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xFE);
        out.write((text.length + 2) >> 8);
        out.write((text.length + 2) & 0xFF);
        out.write(text, 0, text.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path samples() throws IOException {
        return samples("camera-trap");
    }

    /** samples/{@code kind} of the project: from the working folder, else next to the jar's target/ folder. */
    static Path samples(String kind) throws IOException {
        Path here = Path.of("samples", kind);
        if (Files.isDirectory(here)) {
            return here;
        }
        try {
            Path code = Path.of(Corpus.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path beside = code.getParent().getParent().resolve("samples").resolve(kind);
            if (Files.isDirectory(beside)) {
                return beside;
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall through
        }
        throw new IOException("samples/" + kind + " not found (run from the project folder)");
    }
}
