package imagepipelines.ingest.bulk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds zips for the tests, and damages them on purpose by patching central-directory fields. */
final class Zips {

    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final Map<String, Boolean> stored = new LinkedHashMap<>();
    private Charset charset = StandardCharsets.UTF_8;

    Zips add(String name, byte[] data) {
        entries.put(name, data);
        return this;
    }

    Zips addStored(String name, byte[] data) {
        entries.put(name, data);
        stored.put(name, true);
        return this;
    }

    Zips charset(Charset cs) {
        charset = cs;
        return this;
    }

    byte[] build() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(bos, charset)) {
                for (var e : entries.entrySet()) {
                    ZipEntry ze = new ZipEntry(e.getKey());
                    if (stored.containsKey(e.getKey())) {
                        ze.setMethod(ZipEntry.STORED);
                        ze.setSize(e.getValue().length);
                        ze.setCompressedSize(e.getValue().length);
                        CRC32 crc = new CRC32();
                        crc.update(e.getValue());
                        ze.setCrc(crc.getValue());
                    }
                    z.putNextEntry(ze);
                    z.write(e.getValue());
                    z.closeEntry();
                }
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Offset of the central-directory record whose name ends with {@code nameSuffix}. */
    static int cdRecord(byte[] zip, String nameSuffix) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = zip.length - 22;
        while (b.getInt(eocd) != 0x06054b50) {
            eocd--;
        }
        int p = b.getInt(eocd + 16);
        while (b.getInt(p) == 0x02014b50) {
            int n = b.getShort(p + 28) & 0xFFFF;
            String name = new String(zip, p + 46, n, StandardCharsets.ISO_8859_1);
            if (name.endsWith(nameSuffix)) {
                return p;
            }
            p += 46 + n + (b.getShort(p + 30) & 0xFFFF) + (b.getShort(p + 32) & 0xFFFF);
        }
        throw new IllegalArgumentException("no entry " + nameSuffix);
    }

    static byte[] patchInt(byte[] zip, String entry, int field, int value) {
        byte[] z = zip.clone();
        ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN).putInt(cdRecord(z, entry) + field, value);
        return z;
    }

    /** Sets the encryption flag (bit 0) in the central directory and the local header. */
    static byte[] encrypt(byte[] zip, String entry) {
        byte[] z = zip.clone();
        ByteBuffer b = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN);
        int cd = cdRecord(z, entry);
        b.putShort(cd + 8, (short) (b.getShort(cd + 8) | 1));
        int local = b.getInt(cd + 42);
        b.putShort(local + 6, (short) (b.getShort(local + 6) | 1));
        return z;
    }

    /** The same JPEG with different bytes (a different MD5, so a different image id): trailing bytes after EOI. */
    static byte[] variant(byte[] jpg, String tag) {
        byte[] t = tag.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(jpg, jpg.length + t.length);
        System.arraycopy(t, 0, out, jpg.length, t.length);
        return out;
    }
}
