package imagepipelines.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Hostile image files made from a real sample at test time: damaged, lying about their size, absurd EXIF. */
final class HostileImages {

    private HostileImages() {
    }

    static byte[] truncated(byte[] b, int keep) {
        return Arrays.copyOf(b, keep);
    }

    /** {@code flips} single-bit flips at seeded positions in {@code [from, to)}. */
    static byte[] bitFlipped(byte[] b, int from, int to, int flips, long seed) {
        byte[] out = b.clone();
        Random r = new Random(seed);
        for (int i = 0; i < flips; i++) {
            int at = from + r.nextInt(to - from);
            out[at] ^= (byte) (1 << r.nextInt(8));
        }
        return out;
    }

    /** Offset of the first JPEG segment with {@code marker}, walking segments from SOI (-1 when absent). */
    static int segment(byte[] jpeg, int marker) {
        int i = 2;
        while (i < jpeg.length - 4 && (jpeg[i] & 0xFF) == 0xFF) {
            int m = jpeg[i + 1] & 0xFF;
            if (m == marker) {
                return i;
            }
            if (m == 0xDA) {
                return -1;
            }
            i += (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF)) + 2;
        }
        return -1;
    }

    /** Start of the entropy-coded scan (just past the SOS header). */
    static int scanStart(byte[] jpeg) {
        int sos = segment(jpeg, 0xDA);
        return sos + (((jpeg[sos + 2] & 0xFF) << 8) | (jpeg[sos + 3] & 0xFF)) + 2;
    }

    /** The JPEG's SOF0..3 frame header rewritten to claim width x height (a decompression bomb: tiny file). */
    static byte[] claimingSize(byte[] jpeg, int width, int height) {
        byte[] b = jpeg.clone();
        for (int m = 0xC0; m <= 0xC3; m++) {
            int i = segment(b, m);
            if (i >= 0) {
                b[i + 5] = (byte) (height >> 8);
                b[i + 6] = (byte) height;
                b[i + 7] = (byte) (width >> 8);
                b[i + 8] = (byte) width;
                return b;
            }
        }
        throw new IllegalArgumentException("no SOF marker");
    }

    /** An EXIF APP1 segment holding the given TIFF structure, inserted right after SOI (before the camera's own). */
    static byte[] withExifFirst(byte[] jpeg, byte[] tiff) {
        byte[] head = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
        int len = head.length + tiff.length + 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len});
        out.writeBytes(head);
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** The JPEG with every APP1 (EXIF) segment replaced by one holding {@code tiff}: the camera's tags are gone. */
    static byte[] withOnlyExif(byte[] jpeg, byte[] tiff) {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        rest.write(jpeg, 0, 2);
        int i = 2;
        while ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) != 0xDA) {
            int len = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            if ((jpeg[i + 1] & 0xFF) != 0xE1) {
                rest.write(jpeg, i, len + 2);
            }
            i += len + 2;
        }
        rest.write(jpeg, i, jpeg.length - i);
        return withExifFirst(rest.toByteArray(), tiff);
    }

    /** A big-endian TIFF header and an IFD0 declaring 65535 entries, whose first points 4 GB past the end. */
    static byte[] exifAbsurdCount() {
        ByteBuffer b = ByteBuffer.allocate(8 + 2 + 12 + 4);
        b.put("MM".getBytes(StandardCharsets.ISO_8859_1)).putShort((short) 42).putInt(8);
        b.putShort((short) 0xFFFF); // entry count
        b.putShort((short) 0x010F).putShort((short) 2).putInt(0x7FFFFFFF).putInt(0xFFFFFFF0); // Make: 2 GB string
        b.putInt(0);
        return b.array();
    }

    /** IFD0 whose next-IFD offset points back at itself, with a sub-IFD (ExifIFD) pointing at IFD0: a loop. */
    static byte[] exifOffsetLoop() {
        ByteBuffer b = ByteBuffer.allocate(8 + 2 + 2 * 12 + 4);
        b.put("II".getBytes(StandardCharsets.ISO_8859_1));
        b.order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort((short) 42).putInt(8);
        b.putShort((short) 2);
        b.putShort((short) 0x8769).putShort((short) 4).putInt(1).putInt(8);      // ExifIFD -> IFD0 again
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putInt(6);      // Orientation 6
        b.putInt(8);                                                             // next IFD -> itself
        return b.array();
    }

    /** A PNG claiming width x height with {@code rawBytes} zero bytes of image data deflated (tiny file). */
    static byte[] pngBomb(long width, long height, int rawBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt((int) width).putInt((int) height)
                .put(new byte[] {8, 2, 0, 0, 0}).array());
        Deflater d = new Deflater(9);
        d.setInput(new byte[rawBytes]);
        d.finish();
        byte[] buf = new byte[rawBytes / 100 + 1024];
        int n = d.deflate(buf);
        d.end();
        chunk(out, "IDAT", Arrays.copyOf(buf, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
