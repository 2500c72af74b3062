package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import imagepipelines.testsupport.TestRasters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeoPackageTileIndexTest extends TileIndexStoreContract {

    @TempDir
    Path dir;

    private GeoPackageTileIndex store;
    private int seq;

    @BeforeEach
    void create() {
        store = new GeoPackageTileIndex(dir.resolve("tile_index.gpkg"));
    }

    @Override
    TileIndexStore store() {
        return store;
    }

    @Override
    String freshCollection() {
        return "County" + (++seq) + "_USDA_1947_frames";
    }

    @Test
    void ogrinfoReadsTheLayerAsPolygonsIn3857() {
        store.upsert(COLLECTION, entry("f-1.tif", 0));
        String info = TestRasters.run("ogrinfo", "-so", "-al", store.file().toString());
        assertTrue(info.contains("Layer name: ventura_usda_1947_frames"), info);
        assertTrue(info.contains("Geometry: Polygon"), info);
        assertTrue(info.contains("\"EPSG\",3857"), info);
        assertTrue(info.contains("frame_num: String"), info);
        assertTrue(info.contains("Feature Count: 1"), info);
    }

    @Test
    void zippedShapefileHoldsTheIndex() throws Exception {
        store.upsert(COLLECTION, entry("f-1.tif", 0));
        store.upsert(COLLECTION, entry("f-2.tif", 1000));
        byte[] zip = TileIndexShapefile.zip(COLLECTION, store.entries(COLLECTION));
        List<String> names = new ArrayList<>();
        Path unzipped = Files.createDirectories(dir.resolve("unzipped"));
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
                Files.copy(in, unzipped.resolve(e.getName()));
            }
        }
        assertEquals(List.of(COLLECTION + ".cpg", COLLECTION + ".dbf", COLLECTION + ".prj", COLLECTION + ".shp",
                COLLECTION + ".shx"), names);
        String info = TestRasters.run("ogrinfo", "-al", unzipped.resolve(COLLECTION + ".shp").toString());
        assertTrue(info.contains("Feature Count: 2"), info);
        assertTrue(info.contains("location (String) = /vsicurl/https://bucket.s3.amazonaws.com/bw/f-2.tif"), info);
        assertTrue(info.contains("Pseudo-Mercator") || info.contains("3857"), info);
    }
}
