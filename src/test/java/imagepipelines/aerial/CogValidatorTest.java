package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import imagepipelines.testsupport.TestRasters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CogValidatorTest {

    @TempDir
    Path dir;

    private final CogValidator validator = new CogValidator(new GdalCommandRunner());

    @Test
    void plainGeoTiffsAreNotCogs() {
        // tiled 256 but IFD at the end and no overviews: errors and a warning, while the validator exits 1
        CogValidator.Result shade = validator.validate(TestRasters.sample(dir, TestRasters.SHADE_3857));
        assertFalse(shade.valid(), shade.summary());
        assertTrue(shade.errors().stream().anyMatch(e -> e.contains("main IFD")), shade.summary());
        assertTrue(shade.warnings().stream().anyMatch(w -> w.contains("overviews")), shade.summary());
    }

    @Test
    void warningsAloneLeaveTheFileValid() {
        // GDAL-written tiled GeoTIFF without overviews: the validator exits 0 and only warns
        Path in = TestRasters.sample(dir, TestRasters.SHADE_3857);
        Path tiled = dir.resolve("tiled.tif");
        TestRasters.run("gdal_translate", "-q", "-co", "TILED=YES", in.toString(), tiled.toString());
        CogValidator.Result r = validator.validate(tiled);
        assertTrue(r.valid(), r.summary());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("overviews")), r.summary());
    }

    @Test
    void notATiffIsInvalidWithAMessage() {
        CogValidator.Result r = validator.validate(TestRasters.notATiff(dir));
        assertFalse(r.valid());
        assertFalse(r.errors().isEmpty());
    }

    @Test
    void parsesWarningsAndErrors() {
        String out = """
                The following warnings were found:
                 - The file is greater than 512xH or Wx512, it is recommended to include internal overviews

                x.tif is NOT a valid cloud optimized GeoTIFF.
                The following errors were found:
                 - The file is greater than 512xH or Wx512, but is not tiled
                 - another

                """;
        CogValidator.Result r = CogValidator.parse(out);
        assertFalse(r.valid());
        assertEquals(2, r.errors().size());
        assertEquals(1, r.warnings().size());
        assertEquals(List.of("another"), r.errors().subList(1, 2));
        CogValidator.Result ok = CogValidator.parse("""
                x.tif is a valid cloud optimized GeoTIFF

                The size of all IFD headers is 587 bytes
                """);
        assertTrue(ok.valid());
        CogValidator.Result exc = CogValidator.parse("x.tif is NOT a valid cloud optimized GeoTIFF : Invalid file\n");
        assertEquals(List.of("Invalid file"), exc.errors());
    }
}
