package imagepipelines.ingest.bulk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Hostile zip64 numbers in the central directory. Each archive used to reach a ranged GET outside the file (S3: 416,
 * which the bulk route takes for an outage and retries) or a planned entry of negative size (NegativeArraySize in
 * the extractor); each is now a {@link BadArchiveException} with a reason, and no range outside the file is asked.
 */
class ZipCatalogHostileTest {

    static final EntryNames NAMES = new EntryNames("Shift_JIS");
    static final byte[] JPG = "\u00ff\u00d8 not really a jpeg".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    /** Reads the catalog of {@code zip} from memory, failing on any range outside it (as S3 would, with 416). */
    static ZipCatalog read(byte[] zip, List<String> asked) throws BadArchiveException {
        return ZipCatalog.read(zip.length, (start, len) -> {
            asked.add(start + "+" + len);
            if (start < 0 || len <= 0 || start > zip.length - len) {
                throw new AssertionError("range outside the " + zip.length + "-byte file: " + start + "+" + len);
            }
            return ByteBuffer.wrap(zip, (int) start, (int) len).slice().order(ByteOrder.LITTLE_ENDIAN);
        }, 1000, 1 << 20, NAMES);
    }

    static int eocd(byte[] zip) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int i = zip.length - 22;
        while (b.getInt(i) != 0x06054b50) {
            i--;
        }
        return i;
    }

    /** The zip with an EOCD declaring zip64 and a zip64 locator (20 bytes before it) pointing at {@code z64}. */
    static byte[] withZip64Locator(byte[] zip, long z64) {
        int e = eocd(zip);
        ByteBuffer loc = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        loc.putInt(0x07064b50).putInt(0).putLong(z64).putInt(1);
        byte[] out = new byte[zip.length + 20];
        System.arraycopy(zip, 0, out, 0, e);
        System.arraycopy(loc.array(), 0, out, e, 20);
        System.arraycopy(zip, e, out, e + 20, zip.length - e);
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putShort(e + 20 + 10, (short) 0xFFFF);
        return out;
    }

    @Test
    void aZip64LocatorPointingNearTwoToTheSixtyThreeIsRefusedWithoutARangeOutsideTheFile() {
        byte[] zip = withZip64Locator(new Zips().add("a.jpg", JPG).build(), Long.MAX_VALUE - 10);
        List<String> asked = new ArrayList<>();
        BadArchiveException e = assertThrows(BadArchiveException.class, () -> read(zip, asked));
        assertTrue(e.getMessage().contains("zip64 end record points outside the file"), e.getMessage());
        assertEquals(1, asked.size(), "only the tail was read: " + asked);
    }

    @Test
    void aDirectoryOffsetNearTwoToTheSixtyThreeIsRefusedWithoutARangeOutsideTheFile() throws Exception {
        byte[] base = new Zips().add("a.jpg", JPG).build();
        int e = eocd(base);
        // a zip64 end record (56 bytes) written over nothing: put it before the EOCD, then the locator
        ByteBuffer z64 = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
        z64.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                .putLong(1).putLong(1).putLong(100).putLong(Long.MAX_VALUE - 50);
        byte[] zip = new byte[base.length + 56];
        System.arraycopy(base, 0, zip, 0, e);
        System.arraycopy(z64.array(), 0, zip, e, 56);
        System.arraycopy(base, e, zip, e + 56, base.length - e);
        byte[] hostile = withZip64Locator(zip, e);
        List<String> asked = new ArrayList<>();
        BadArchiveException ex = assertThrows(BadArchiveException.class, () -> read(hostile, asked));
        assertTrue(ex.getMessage().contains("lies outside the"), ex.getMessage());
    }

    /** The zip with a zip64 extra field (0x0001) in its one directory record giving {@code size} as the entry's size. */
    static byte[] withZip64Size(long size) {
        byte[] zip = new Zips().addStored("a.jpg", JPG).build();
        int cd = Zips.cdRecord(zip, "a.jpg");
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int nameLen = b.getShort(cd + 28) & 0xFFFF;
        int extraAt = cd + 46 + nameLen;
        int e = eocd(zip);
        ByteBuffer extra = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 1)
                .putShort((short) 8).putLong(size);
        byte[] out = new byte[zip.length + 12];
        System.arraycopy(zip, 0, out, 0, extraAt);
        System.arraycopy(extra.array(), 0, out, extraAt, 12);
        System.arraycopy(zip, extraAt, out, extraAt + 12, zip.length - extraAt);
        ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        o.putInt(cd + 24, 0xFFFFFFFF); // uncompressed size: see the zip64 field
        o.putShort(cd + 30, (short) ((o.getShort(cd + 30) & 0xFFFF) + 12));
        o.putInt(e + 12 + 12, o.getInt(e + 12 + 12) + 12); // EOCD: directory size
        return out;
    }

    @Test
    void aZip64EntrySizePastTwoToTheSixtyThreeIsRefusedNotPlannedWithANegativeSize() {
        byte[] zip = withZip64Size(0x8000000000000010L);
        BadArchiveException e = assertThrows(BadArchiveException.class, () -> read(zip, new ArrayList<>()));
        assertTrue(e.getMessage().contains("a size past 2^63 bytes") && e.getMessage().contains("'a.jpg'"), e.getMessage());
    }

    @Test
    void aPlainZip64SizeStillReads() throws Exception {
        ZipCatalog c = read(withZip64Size(JPG.length), new ArrayList<>());
        assertEquals(JPG.length, c.entries().get(0).size());
    }
}
