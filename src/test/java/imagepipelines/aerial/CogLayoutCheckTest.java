package imagepipelines.aerial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import imagepipelines.testsupport.TestRasters;
import org.gdal.gdal.Dataset;
import org.gdal.gdal.gdal;
import org.gdal.gdalconst.gdalconst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process check gives GDAL's own script's verdict, errors and warnings, on COGs the application writes and
 * on files that break each kind of rule.
 */
class CogLayoutCheckTest {

    @TempDir
    Path dir;

    private final CogValidator script = new CogValidator(new GdalCommandRunner());
    private final CogValidator inProcess = CogValidator.inProcess();

    @Test
    void applicationCogsAreValidForBoth() {
        Path nc = new CogConverter().convert(BandMode.NC, TestRasters.sample(dir, TestRasters.RGB_UTM18),
                dir.resolve("nc.tif")).cog().file();
        Path bw = new CogConverter().convert(BandMode.BW, TestRasters.sample(dir, TestRasters.SHADE_3857),
                dir.resolve("bw.tif")).cog().file();
        for (Path cog : new Path[] {nc, bw}) {
            CogValidator.Result r = sameVerdict(cog);
            assertTrue(r.valid(), r.summary());
        }
    }

    @Test
    void plainAndTiledGeoTiffsGetTheScriptsErrorsAndWarnings() {
        CogValidator.Result plain = sameVerdict(TestRasters.sample(dir, TestRasters.SHADE_3857));
        assertFalse(plain.valid());
        Path tiled = dir.resolve("tiled.tif");
        TestRasters.run("gdal_translate", "-q", "-co", "TILED=YES", TestRasters.sample(dir, TestRasters.SHADE_3857)
                .toString(), tiled.toString());
        CogValidator.Result warnOnly = sameVerdict(tiled);
        assertTrue(warnOnly.valid(), warnOnly.summary());
        assertFalse(warnOnly.warnings().isEmpty());
        Path striped = dir.resolve("striped.tif");
        TestRasters.run("gdal_translate", "-q", "-outsize", "300%", "300%", TestRasters.sample(dir,
                TestRasters.RGB_UTM18).toString(), striped.toString());
        assertFalse(sameVerdict(striped).valid(), "not tiled");
        Path external = dir.resolve("external.tif");
        TestRasters.run("gdal_translate", "-q", "-co", "TILED=YES", TestRasters.sample(dir, TestRasters.SHADE_3857)
                .toString(), external.toString());
        TestRasters.run("gdaladdo", "-q", "-ro", external.toString(), "2", "4");
        assertFalse(sameVerdict(external).valid(), "external .ovr");
    }

    @Test
    void brokenBlockLeaderAndTrailerAreFound() throws Exception {
        Path cog = new CogConverter().convert(BandMode.NC, TestRasters.sample(dir, TestRasters.RGB_UTM18),
                dir.resolve("nc.tif")).cog().file();
        long offset;
        long size;
        Dataset ds = gdal.Open(cog.toString(), gdalconst.GA_ReadOnly);
        try {
            offset = Long.parseLong(ds.GetRasterBand(1).GetMetadataItem("BLOCK_OFFSET_1_0", "TIFF"));
            size = Long.parseLong(ds.GetRasterBand(1).GetMetadataItem("BLOCK_SIZE_1_0", "TIFF"));
        } finally {
            ds.delete();
        }
        Path leader = dir.resolve("leader.tif");
        Files.copy(cog, leader);
        flip(leader, offset - 4);
        CogValidator.Result l = sameVerdict(leader);
        assertTrue(l.errors().stream().anyMatch(e -> e.contains("size in leader bytes")), l.summary());
        Path trailer = dir.resolve("trailer.tif");
        Files.copy(cog, trailer);
        flip(trailer, offset + size + 1);
        CogValidator.Result t = sameVerdict(trailer);
        assertTrue(t.errors().stream().anyMatch(e -> e.contains("trailer bytes are invalid")), t.summary());
    }

    @Test
    void notATiffIsInvalidForBoth() {
        Path bad = TestRasters.notATiff(dir);
        assertFalse(script.validate(bad).valid());
        CogValidator.Result r = inProcess.validate(bad);
        assertFalse(r.valid());
        assertTrue(r.errors().get(0).startsWith("Invalid file"), r.summary());
    }

    private CogValidator.Result sameVerdict(Path file) {
        CogValidator.Result expected = script.validate(file);
        CogValidator.Result actual = inProcess.validate(file);
        assertEquals(expected.valid(), actual.valid(), file + ": script " + expected.summary() + " / in-process "
                + actual.summary());
        assertEquals(expected.errors(), actual.errors(), file.toString());
        assertEquals(expected.warnings(), actual.warnings(), file.toString());
        return actual;
    }

    private static void flip(Path file, long at) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5A);
        }
    }
}
