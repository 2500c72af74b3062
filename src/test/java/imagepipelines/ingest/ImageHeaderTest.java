package imagepipelines.ingest;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

class ImageHeaderTest {

    /** A PNG signature, an IHDR chunk claiming width x height (unsigned 32-bit) and IEND: no pixels. */
    static byte[] pngHeader(long width, long height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt((int) width).putInt((int) height)
                .put(new byte[] {8, 2, 0, 0, 0});
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt(13).array());
        out.writeBytes(ihdr.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        out.writeBytes(new byte[] {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82});
        return out.toByteArray();
    }

    /**
     * Found by ImageHeaderFuzzTest: a PNG claiming a width past 2^31-1 was read as a negative width; it was refused
     * further on as "the image header gives no size", which hid what the file claimed.
     */
    @Test
    void aPngWidthPastTwoToTheThirtyOneIsRefusedNamingTheClaimNotReadAsNegative() {
        IOException e = assertThrows(IOException.class, () -> ImageHeader.read(pngHeader(0x80000001L, 2)));
        assertTrue(e.getMessage().contains("2147483649x2"), e.getMessage());
    }
}
