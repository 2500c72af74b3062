package imagepipelines.aerial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import imagepipelines.testsupport.TestRasters;

/**
 * Times COG production on a 7910x7180 3-band GeoTIFF made from the Landsat sample
 * ({@code gdal_translate -outsize 1000% 1000%}): our two commands, plain {@code gdal_translate -of COG}
 * (multi-threaded), and the original's chain. Wall time and peak memory of each GDAL process come from
 * {@code /usr/bin/time -v} (Debian package {@code time}); for a chain, times add up and the peak is the largest.
 *
 * <p>The application's whole path (upload to the bucket → routes → COG in the bucket) is measured beside these
 * by {@code bin/image-pipelines benchmark-aerial} ({@code imagepipelines.bench.AerialBenchmark}).
 *
 * <p>Run (not part of {@code mvn test}):
 * <pre>
 * mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Djava.library.path=/opt/image-pipelines/lib -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *      imagepipelines.aerial.CogBenchmark [work dir]
 * </pre>
 */
public final class CogBenchmark {

    private static final Pattern WALL = Pattern.compile("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (\\S+)");
    private static final Pattern RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
    private static final Pattern USER = Pattern.compile("User time \\(seconds\\): (\\S+)");
    private static final Pattern SYS = Pattern.compile("System time \\(seconds\\): (\\S+)");

    private record Measure(String label, int commands, double wallSeconds, double cpuSeconds, long peakRssKb,
                           long outputBytes, String validation) {
    }

    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Files.createDirectories(Path.of(args[0]))
                : Files.createTempDirectory("cog-bench-");
        RasterInspector inspector = new RasterInspector();
        CogValidator validator = new CogValidator(new GdalCommandRunner());

        Path sample = TestRasters.sample(work, TestRasters.RGB_UTM18);
        Path big = work.resolve("big-utm18.tif");
        if (!Files.exists(big)) {
            TestRasters.run("gdal_translate", "-q", "-outsize", "1000%", "1000%", sample.toString(), big.toString());
        }
        Path big3857 = work.resolve("big-3857.tif");
        if (!Files.exists(big3857)) {
            TestRasters.run("gdalwarp", "-q", "-t_srs", "EPSG:3857", "-r", "bilinear", "-multi", "-wo",
                    "NUM_THREADS=ALL_CPUS", big.toString(), big3857.toString());
        }
        Path big3857Plain = work.resolve("big-3857-no-nodata.tif");
        if (!Files.exists(big3857Plain)) {
            TestRasters.run("gdal_translate", "-q", "-a_nodata", "none", big3857.toString(), big3857Plain.toString());
        }
        RasterInfo utm = inspector.inspect(big);
        RasterInfo web = inspector.inspect(big3857);
        RasterInfo webPlain = inspector.inspect(big3857Plain);
        System.out.printf(Locale.ROOT, "source %s: %dx%d, %d bands %s, %d MB; %d CPUs; GDAL %s%n", big.getFileName(),
                utm.width(), utm.height(), utm.bandCount(), utm.band(1).dataType(), Files.size(big) >> 20,
                Runtime.getRuntime().availableProcessors(), GdalRuntime.gdalVersion());
        System.out.printf(Locale.ROOT, "3857 copy %s: %dx%d%n%n", big3857.getFileName(), web.width(), web.height());

        List<Measure> results = new ArrayList<>();
        Path out = work.resolve("out.tif");

        Path warped = work.resolve("warped.tif");
        String near = CogCommand.DEFAULT_RESAMPLING;
        results.add(measure("ours, UTM source (gdalwarp -r near into scratch, gdal_translate -of COG)",
                CogCommand.commands(utm, BandMode.NC, big, warped, out, near), out, work, validator));
        results.add(measure("ours, UTM source, bilinear reprojection",
                CogCommand.commands(utm, BandMode.NC, big, warped, out, "bilinear"), out, work, validator));
        results.add(measure("original chain, UTM source (warp -r near, compress, gdaladdo, COG copy)",
                CogCommand.threePassChain(utm, BandMode.NC, big, work, out, near), out, work, validator));
        results.add(measure("ours, 3857 source with nodata (gdalwarp same grid, nodata -> alpha -> mask)",
                CogCommand.commands(web, BandMode.NC, big3857, warped, out, near), out, work, validator));
        results.add(measure("ours, 3857 source without nodata (gdal_translate -of COG only)",
                CogCommand.commands(webPlain, BandMode.NC, big3857Plain, warped, out, near), out, work, validator));
        results.add(measure("plain gdal_translate -of COG -co NUM_THREADS=ALL_CPUS (LZW), 3857",
                List.of(List.of("gdal_translate", "-of", "COG", "-co", "NUM_THREADS=ALL_CPUS",
                        big3857Plain.toString(), out.toString())), out, work, validator));
        results.add(measure("original chain, 3857 source (compress, gdaladdo, COG copy)",
                CogCommand.threePassChain(webPlain, BandMode.NC, big3857Plain, work, out, near), out, work,
                validator));

        System.out.printf(Locale.ROOT, "%n%-66s %4s %7s %7s %11s %7s  %s%n", "variant", "cmds", "wall s", "cpu s",
                "peak RSS MB", "out MB", "COG validation");
        for (Measure m : results) {
            System.out.printf(Locale.ROOT, "%-66s %4d %7.1f %7.1f %11.0f %7.1f  %s%n", m.label, m.commands,
                    m.wallSeconds, m.cpuSeconds, m.peakRssKb / 1024.0, m.outputBytes / 1048576.0, m.validation);
        }
        System.out.println("load average at the end: " + Files.readString(Path.of("/proc/loadavg")).strip());
    }

    private static Measure measure(String label, List<List<String>> commands, Path out, Path work,
                                   CogValidator validator) throws IOException {
        Files.deleteIfExists(out);
        double wall = 0;
        double cpu = 0;
        long peak = 0;
        for (List<String> cmd : commands) {
            List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-v"));
            timed.addAll(cmd);
            String output = TestRasters.run(timed);
            Matcher w = WALL.matcher(output);
            Matcher r = RSS.matcher(output);
            Matcher u = USER.matcher(output);
            Matcher sy = SYS.matcher(output);
            if (!w.find() || !r.find() || !u.find() || !sy.find()) {
                throw new IllegalStateException("no /usr/bin/time -v figures in: " + output);
            }
            double s = seconds(w.group(1));
            long kb = Long.parseLong(r.group(1));
            System.out.printf(Locale.ROOT, "  %-10s %7.1f s %7.0f MB  %s%n", cmd.get(0), s, kb / 1024.0,
                    String.join(" ", cmd).replace(work + "/", ""));
            wall += s;
            cpu += Double.parseDouble(u.group(1)) + Double.parseDouble(sy.group(1));
            peak = Math.max(peak, kb);
        }
        long size = Files.size(out);
        String validation = validator.validate(out).summary();
        System.out.printf(Locale.ROOT, "%s: %.1f s, peak %.0f MB%n", label, wall, peak / 1024.0);
        for (String tmp : List.of("warped.tif", "compressed.tif", "compressed.tif.ovr")) {
            Files.deleteIfExists(work.resolve(tmp));
        }
        return new Measure(label, commands.size(), wall, cpu, peak, size, validation);
    }

    private static double seconds(String hms) {
        String[] p = hms.split(":");
        double s = 0;
        for (String part : p) {
            s = s * 60 + Double.parseDouble(part);
        }
        return s;
    }
}
