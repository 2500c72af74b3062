package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import imagepipelines.local.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real PostgreSQL 15 + PostGIS 3 started by the test. */
class PostgisTileIndexTest extends TileIndexStoreContract {

    private static EmbeddedPostgres pg;
    private static PostgisTileIndex store;
    private static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void startPostgres() {
        pg = EmbeddedPostgres.start("aerial", "postgis");
        store = new PostgisTileIndex(pg.dataSource());
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    TileIndexStore store() {
        return store;
    }

    @Override
    String freshCollection() {
        return "County" + SEQ.incrementAndGet() + "_USDA_1947_frames";
    }

    @Test
    void tableHasPolygon3857GeometryAndASpatialIndex() throws Exception {
        String c = freshCollection();
        store.upsert(c, entry("a.tif", 0));
        String t = TileIndexStore.tableName(c);
        try (Connection con = pg.connect(); Statement s = con.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT type, srid FROM geometry_columns WHERE f_table_name = '" + t
                    + "'")) {
                assertTrue(rs.next());
                assertEquals("POLYGON", rs.getString(1));
                assertEquals(3857, rs.getInt(2));
            }
            try (ResultSet rs = s.executeQuery("SELECT indexdef FROM pg_indexes WHERE tablename = '" + t
                    + "' AND indexdef LIKE '%gist%'")) {
                assertTrue(rs.next(), "GiST index on geom");
            }
        }
    }

    @Test
    void aTableTheOriginalCreatedIsMigratedInPlaceKeepingItsRowsAndColumns() throws Exception {
        String collection = "Travis_USDA_1940_frames";
        String t = "travis_usda_1940_frames";
        try (Connection con = pg.connect()) {
            OriginalTileIndexTable.create(con, t);
            OriginalTileIndexTable.insert(con, t, 0, "bw/Travis/USDA_1940/frames/cog/1940_AXI-11.tif", "1940", "AXI",
                    "11", collection, 0, 0, 1000, 1000);
            OriginalTileIndexTable.insert(con, t, 1, "bw/Travis/USDA_1940/frames/cog/1940_AXI-12.tif", "1940", "AXI",
                    "12", collection, 1000, 0, 2000, 1000);
        }
        // read first (what alreadyDone does), then the same upsert twice: the migration runs once, changes nothing
        assertEquals(List.of("1940_AXI-11.tif", "1940_AXI-12.tif"),
                store.entries(collection).stream().map(TileIndexEntry::name).toList());
        TileIndexEntry replaced = entry("1940_AXI-12.tif", 5000);
        store.upsert(collection, replaced);
        store.upsert(collection, replaced);
        store.upsert(collection, entry("1940_AXI-13.tif", 9000));
        try (Connection con = pg.connect(); Statement s = con.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY "
                    + "ordinal_position) FROM information_schema.columns WHERE table_name = '" + t + "'")) {
                rs.next();
                assertEquals("oid:bigint,location:text,src_srs:text,date:text,roll:text,frame_num:text,dl_orig:text,"
                        + "dl_georef:text,dl_index:text,geom:USER-DEFINED,name:text,updated:timestamp with time zone",
                        rs.getString(1), "the original's columns untouched, ours added after them");
            }
            try (ResultSet rs = s.executeQuery("SELECT oid, name, location, dl_orig, ST_XMin(geom) FROM " + t
                    + " ORDER BY oid")) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4)
                            + " " + Math.round(rs.getDouble(5)));
                }
                assertEquals(List.of(
                        "0 1940_AXI-11.tif /vsis3/tnris-ls4/bw/Travis/USDA_1940/frames/cog/1940_AXI-11.tif "
                                + "https://cdn.tnris.org/bw/Travis/USDA_1940/frames/scanned/1940_AXI-11.tif 0",
                        "1 1940_AXI-12.tif " + replaced.location() + " null 5000",
                        "2 1940_AXI-13.tif /vsicurl/https://bucket.s3.amazonaws.com/bw/1940_AXI-13.tif null 9000"),
                        rows, "the original's row kept, a re-run replaces by name keeping its oid, a new one gets max+1");
            }
            try (ResultSet rs = s.executeQuery("SELECT type, srid FROM geometry_columns WHERE f_table_name = '" + t
                    + "'")) {
                assertTrue(rs.next());
                assertEquals("POLYGON", rs.getString(1));
                assertEquals(3857, rs.getInt(2));
            }
        }
        assertEquals(3, store.entries(collection).size());
    }

    @Test
    void concurrentFirstUploadsOfANewCollectionDoNotRace() throws Exception {
        String c = freshCollection();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                fs.add(pool.submit(() -> store.upsert(c, entry("f-" + (n % 8) + ".tif", n))));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(8, store.entries(c).size());
    }
}
