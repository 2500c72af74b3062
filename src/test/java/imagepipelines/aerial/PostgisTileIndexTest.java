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

import imagepipelines.testsupport.EmbeddedPostgres;
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
