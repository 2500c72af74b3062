package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Behaviour both tile index stores share. */
abstract class TileIndexStoreContract {

    static final String COLLECTION = "Ventura_USDA_1947_frames";

    abstract TileIndexStore store();

    /** A collection name no other test method uses (the stores may outlive one method). */
    abstract String freshCollection();

    static TileIndexEntry entry(String name, double x0) {
        return new TileIndexEntry(name, "/vsicurl/https://bucket.s3.amazonaws.com/bw/" + name, "EPSG:3857", "1947",
                "AXI-3K", name.replaceAll("\\D", ""), null, "https://bucket.s3.amazonaws.com/bw/cog/" + name,
                "https://bucket.s3.amazonaws.com/bw/cog/tile_index/x_idx.zip", Footprint.of(new Envelope(x0, 4_000_000, x0 + 1000, 4_001_000)));
    }

    @Test
    void unknownCollectionIsEmpty() {
        String c = freshCollection();
        assertEquals(List.of(), store().entries(c));
        assertTrue(store().extent(c).isEmpty());
        assertFalse(store().remove(c, "x.tif"));
    }

    @Test
    void upsertCreatesTheCollectionAndAddsOneRowPerCog() {
        String c = freshCollection();
        store().upsert(c, entry("f-12.tif", -13_100_000));
        store().upsert(c, entry("f-13.tif", -13_099_500));
        List<TileIndexEntry> all = store().entries(c);
        assertEquals(List.of("f-12.tif", "f-13.tif"), all.stream().map(TileIndexEntry::name).toList());
        TileIndexEntry e = all.get(0);
        assertEquals("/vsicurl/https://bucket.s3.amazonaws.com/bw/f-12.tif", e.location());
        assertEquals("EPSG:3857", e.srcSrs());
        assertEquals("1947", e.date());
        assertEquals("AXI-3K", e.roll());
        assertEquals("12", e.frameNum());
        assertNull(e.dlOrig());
        assertEquals(new Envelope(-13_100_000, 4_000_000, -13_099_000, 4_001_000), e.footprint().envelope());
        assertEquals(new Envelope(-13_100_000, 4_000_000, -13_098_500, 4_001_000), store().extent(c).orElseThrow());
    }

    @Test
    void rerunningTheSameCogReplacesItsRow() {
        String c = freshCollection();
        store().upsert(c, entry("f-12.tif", -13_100_000));
        store().upsert(c, entry("f-13.tif", -13_099_500));
        TileIndexEntry moved = entry("f-12.tif", -13_200_000).with(new FrameAttributes("1947-06-02", "AXI-3K", "12",
                "https://example.org/scan.tif", null, null));
        store().upsert(c, moved);
        store().upsert(c, moved);
        List<TileIndexEntry> all = store().entries(c);
        assertEquals(2, all.size(), "one row per COG, whatever the number of runs");
        TileIndexEntry e = all.get(0);
        assertEquals("1947-06-02", e.date());
        assertEquals("https://example.org/scan.tif", e.dlOrig());
        assertNull(e.dlGeoref());
        assertEquals(-13_200_000, e.footprint().envelope().minX(), 0.01);
    }

    @Test
    void collectionsAreSeparateAndRemoveWorks() {
        String a = freshCollection();
        String b = freshCollection();
        store().upsert(a, entry("a.tif", 0));
        store().upsert(b, entry("b.tif", 0));
        assertEquals(1, store().entries(a).size());
        assertTrue(store().remove(a, "a.tif"));
        assertEquals(0, store().entries(a).size());
        assertTrue(store().extent(a).isEmpty());
        assertEquals(1, store().entries(b).size());
    }

    @Test
    void namesWithQuotesAreData() {
        String c = freshCollection();
        store().upsert(c, entry("o'brien.tif", 0));
        store().upsert(c, entry("o'brien.tif", 10));
        assertEquals(1, store().entries(c).size());
    }

    @Test
    void tableNames() {
        assertEquals("ventura_usda_1947_frames", TileIndexStore.tableName(COLLECTION));
        assertEquals("san_luis_obispo_usda_1947_frames", TileIndexStore.tableName("San Luis-Obispo_USDA_1947_frames"));
        assertThrows(IllegalArgumentException.class, () -> TileIndexStore.tableName("x".repeat(64)));
    }
}
