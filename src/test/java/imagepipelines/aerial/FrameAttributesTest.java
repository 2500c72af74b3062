package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The original's (ls4-04-shp_index) date / roll / frame_num and dl_* derivations, CONTRACTS §3. */
class FrameAttributesTest {

    static final String CDN = "https://cdn.example.org";

    static FrameAttributes of(String key) {
        return FrameAttributes.of(AerialKey.parse(key), k -> CogLocations.urlUnder(CDN, k));
    }

    static List<String> drf(FrameAttributes a) {
        return List.of(a.date(), a.roll(), a.frameNum());
    }

    @Test
    void framesWithRollAndFrame() {
        FrameAttributes a = of("bw/Travis/USDA_1940/frames/georef/1940_AXI-12.tif");
        assertEquals(List.of("1940", "AXI", "12"), drf(a));
        assertEquals(CDN + "/bw/Travis/USDA_1940/frames/scanned/1940_AXI-12.tif", a.dlOrig());
        assertEquals(CDN + "/bw/Travis/USDA_1940/frames/cog/1940_AXI-12.tif", a.dlGeoref());
        assertEquals(CDN + "/bw/Travis/USDA_1940/frames/cog/tile_index/Travis_USDA_1940_frames_idx.zip", a.dlIndex());
    }

    @Test
    void framesWithoutRollOnlyForAmsAndUsgs() {
        assertEquals(List.of("1952", "N/A", "0042"), drf(of("bw/Travis/USGS_1952/frames/georef/1952_0042.tif")));
        assertEquals(List.of("1952", "N/A", "7"), drf(of("bw/Travis/AMS_1952/frames/cog/1952_7.tif")));
        FrameAttributes.NamingException e = assertThrows(FrameAttributes.NamingException.class,
                () -> of("bw/Travis/USDA_1940/frames/georef/1940_12.tif"));
        assertTrue(e.getMessage().contains("has no roll"), e.getMessage());
        // too few parts for the rule (the original's IndexError): indexed without date/roll/frame
        assertEquals(java.util.Arrays.asList(null, null, null), java.util.Arrays.asList(
                of("bw/Travis/USDA_1940/frames/georef/scan12.tif").date(),
                of("bw/Travis/USDA_1940/frames/georef/scan12.tif").roll(),
                of("bw/Travis/USDA_1940/frames/georef/scan12.tif").frameNum()));
    }

    @Test
    void indexSheetsAndTheirScans() {
        String scanned = CDN + "/nc/Bell/TxDOT_1985/index/scanned/";
        FrameAttributes a = of("nc/Bell/TxDOT_1985/index/georef/ABC_1941_3.tif");
        assertEquals(List.of("1941", "ABC", "3"), drf(a));
        assertEquals(scanned + "ABC_1941_3.tif", a.dlOrig());
        assertEquals(scanned + "ABC_1941_3.tif", of("nc/Bell/TxDOT_1985/index/georef/ABC_1941_3_2.tif").dlOrig(),
                "tile part dropped");
        assertEquals(scanned + "ABC_1941_3_600dpi.tif",
                of("nc/Bell/TxDOT_1985/index/georef/ABC_1941_3_600dpi_2.tif").dlOrig(), "dpi part kept");
        assertEquals(scanned + "ABC_1941_3_600dpi.tif",
                of("nc/Bell/TxDOT_1985/index/georef/ABC_1941_3_600dpi.tif").dlOrig(), "dpi without tile: unchanged");
        assertEquals(null, of("nc/Bell/TxDOT_1985/index/georef/ABC_1941.tif").frameNum());
    }

    @Test
    void mosaicsAndStratMap() {
        FrameAttributes m = of("nc/Lake/USDA_1958/mosaic/georef/mosaic_2.tif");
        assertEquals(List.of("MULTIPLE", "MULTIPLE", "_2"), drf(m));
        assertEquals("N/A", m.dlOrig());
        assertEquals(List.of("2010", "R1", "F7"), drf(of("nc/StratMap/CapArea_2010/frames/georef/R1_F7_2010.tif")));
    }

    @Test
    void linksAreUrlEncodedForCountiesWithSpaces() {
        assertEquals(CDN + "/bw/De%20Witt/USDA_1940/frames/cog/tile_index/De%20Witt_USDA_1940_frames_idx.zip",
                of("bw/De Witt/USDA_1940/frames/georef/1940_A-1.tif").dlIndex());
    }
}
