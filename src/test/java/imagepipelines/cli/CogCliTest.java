package imagepipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.testsupport.TestRasters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/image-pipelines cog SRC DST}: the routes' GDAL steps on a local file, reported as JSON. */
class CogCliTest {

    @TempDir
    Path dir;

    private record Run(int code, Map<String, Object> json) {
    }

    @SuppressWarnings("unchecked")
    private static Run run(String... args) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Cli.execute(concat("cog", args));
        } finally {
            System.setOut(old);
        }
        return new Run(code, new ObjectMapper().readValue(buf.toString(StandardCharsets.UTF_8), Map.class));
    }

    static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    @SuppressWarnings("unchecked")
    void convertsAndReportsBandsCrsFootprintAndValidation() throws Exception {
        Path src = TestRasters.sample(dir, TestRasters.RGB_UTM18);
        Run r = run(src.toString(), dir.resolve("out/cog.tif").toString());
        assertEquals(0, r.code(), r.json().toString());
        assertEquals("nc", r.json().get("mode"));
        Map<String, Object> source = (Map<String, Object>) r.json().get("sourceInfo");
        assertEquals("EPSG:32618", source.get("crs"));
        assertEquals(3, ((List<?>) source.get("bands")).size());
        Map<String, Object> cog = (Map<String, Object>) r.json().get("cog");
        assertEquals("EPSG:3857", cog.get("crs"));
        assertTrue(cog.get("footprint3857").toString().startsWith("POLYGON (("));
        assertEquals(true, ((Map<String, Object>) r.json().get("validation")).get("valid"));
        List<List<String>> commands = (List<List<String>>) r.json().get("commands");
        assertEquals("gdalwarp", commands.get(0).get(0));
        assertTrue(String.join(" ", commands.get(0)).contains("-r near"), commands.toString());
        assertEquals("gdal_translate", commands.get(1).get(0));
    }

    @Test
    @SuppressWarnings("unchecked")
    void resamplingCanBeChosenAndATypoIsAUsageError() throws Exception {
        Path src = TestRasters.sample(dir, TestRasters.RGB_UTM18);
        Run r = run("--resampling", "bilinear", src.toString(), dir.resolve("b.tif").toString());
        assertEquals(0, r.code(), r.json().toString());
        List<List<String>> commands = (List<List<String>>) r.json().get("commands");
        assertTrue(String.join(" ", commands.get(0)).contains("-r bilinear"), commands.toString());
        assertEquals(2, Cli.execute("cog", "--resampling", "bilinaer", src.toString(),
                dir.resolve("c.tif").toString()));
    }

    @Test
    void aFileWithoutCrsIsRejectedWithItsReason() throws Exception {
        Run r = run("--mode", "bw", TestRasters.withoutCrs(dir).toString(), dir.resolve("x.tif").toString());
        assertEquals(1, r.code());
        assertTrue(r.json().get("rejected").toString().contains("no coordinate reference system"), r.json().toString());
    }
}
