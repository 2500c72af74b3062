package imagepipelines.faces;

import static imagepipelines.testsupport.TestPipelines.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

class ImageDimensionsTest {

    @Test
    void headersOfTheSamples() {
        assertArrayEquals(new long[] {1200, 900}, ImageDimensions.of(resource("/faces/astronaut-1200x900.webp")));
        assertArrayEquals(new long[] {512, 512}, ImageDimensions.of(resource("/faces/astronaut-1face.webp")));
        assertArrayEquals(new long[] {512, 512}, ImageDimensions.of(resource("/faces/astronaut-1face.png")));
        assertArrayEquals(new long[] {30000, 30000}, ImageDimensions.of(pngBomb(30000, 30000)));
    }

    /** A PNG whose header claims {@code w x h} pixels (no pixel data): what a decompression bomb looks like first. */
    static byte[] pngBomb(int w, int h) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(out);
            d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream i = new DataOutputStream(ihdr);
            i.writeInt(w);
            i.writeInt(h);
            i.write(new byte[] {8, 2, 0, 0, 0});
            chunk(d, "IHDR", ihdr.toByteArray());
            chunk(d, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void chunk(DataOutputStream d, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
