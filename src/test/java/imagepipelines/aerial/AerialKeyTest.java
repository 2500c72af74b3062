package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AerialKeyTest {

    @Test
    void parsesAGeorefFrame() {
        AerialKey k = AerialKey.parse("bw/Ventura/USDA_1947/frames/georef/AXI-1947-3K-12.tif");
        assertEquals(BandMode.BW, k.bandMode());
        assertEquals("Ventura", k.county());
        assertEquals("USDA", k.agency());
        assertEquals(1947, k.year());
        assertEquals(AerialKey.Kind.FRAMES, k.kind());
        assertEquals(AerialKey.Stage.GEOREF, k.stage());
        assertEquals("AXI-1947-3K-12.tif", k.file());
        assertEquals("Ventura_USDA_1947_frames", k.collection());
        assertEquals("ventura_usda_1947_frames", k.collectionTable());
        assertEquals("bw/Ventura/USDA_1947/frames/cog/AXI-1947-3K-12.tif", k.withStage(AerialKey.Stage.COG).key());
        assertEquals("bw/Ventura/USDA_1947/frames/cog/tile_index/Ventura_USDA_1947_frames_idx.zip", k.tileIndexZipKey());
        assertEquals("mapfiles/ventura_usda_1947_frames.map", k.mapfileKey());
        assertEquals("AXI-1947-3K-12", k.baseName());
    }

    @Test
    void agencyMayContainUnderscoresAndStagesParse() {
        AerialKey k = AerialKey.parse("nc/Santa_Barbara/Fairchild_Aerial_1928/mosaic/cog/m.TIF");
        assertEquals(BandMode.NC, k.bandMode());
        assertEquals("Santa_Barbara", k.county());
        assertEquals("Fairchild_Aerial", k.agency());
        assertEquals(1928, k.year());
        assertEquals(AerialKey.Kind.MOSAIC, k.kind());
        assertEquals(AerialKey.Stage.COG, k.stage());
        assertEquals("Santa_Barbara_Fairchild_Aerial_1928_mosaic", k.collection());
        assertEquals(AerialKey.Stage.SCANNED,
                AerialKey.parse("nc/Kern/USGS_1956/index/scanned/i.tif").stage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                                                   | empty",
        "/bw/Ventura/USDA_1947/frames/georef/a.tif            | starts with '/'",
        "bw/Ventura/USDA_1947/frames/a.tif                    | 5 path segments",
        "bw/Ventura/USDA_1947/frames/georef/x/a.tif           | 7 path segments",
        "cir/Ventura/USDA_1947/frames/georef/a.tif            | neither 'bw' nor 'nc'",
        "bw//USDA_1947/frames/georef/a.tif                    | county",
        "bw/Ventura/USDA/frames/georef/a.tif                  | <Agency>_<YYYY>",
        "bw/Ventura/USDA_47/frames/georef/a.tif               | <Agency>_<YYYY>",
        "bw/Ventura/_1947/frames/georef/a.tif                 | <Agency>_<YYYY>",
        "bw/Ventura/USDA_1947/photos/georef/a.tif             | frames|index|mosaic",
        "bw/Ventura/USDA_1947/frames/Georef/a.tif             | scanned|georef|cog",
        "bw/Ventura/USDA_1947/frames/georef/a.jpg             | does not end in .tif",
        "bw/Ventura/USDA_1947/frames/georef/.tif              | does not end in .tif",
        "bw/Ventura/USDA_1947/frames/georef/                  | does not end in .tif",
    })
    void rejectsKeysOffTheLayoutWithAReason(String key, String reason) {
        InvalidAerialKeyException e = assertThrows(InvalidAerialKeyException.class, () -> AerialKey.parse(key));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().contains(AerialKey.LAYOUT), e.getMessage());
    }
}
