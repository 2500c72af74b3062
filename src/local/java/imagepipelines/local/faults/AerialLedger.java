package imagepipelines.local.faults;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.imageio.ImageIO;
import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imagepipelines.aerial.CogLayoutCheck;
import imagepipelines.aerial.CogValidator;
import imagepipelines.aerial.MapfileWriter;
import imagepipelines.aerial.TileIndexStore;
import imagepipelines.aerial.UploadLedger;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Every aerial upload against every output once a scenario drained. STORED: a COG made from this upload (its
 * {@code source-etag}) that passes the project's COG check ({@link CogLayoutCheck}), exactly one tile-index row, and
 * a mapfile MapServer renders the imagery with. DEAD-LETTERED: its error record (by the record's {@code error}).
 * DUPL: COGs no upload accounts for, tile-index rows beyond one per COG or without a COG. REPEATS: COG PUTs beyond
 * one per COG (a redelivered job wrote it again, same key). Problems (each makes the run fail): an error record for
 * an upload that did not deserve one or none for one that did, an upload deleted or changed, an invalid mapfile,
 * files left in a worker's scratch folder.
 */
final class AerialLedger {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The counts and what else is wrong. */
    record Account(Ledger.Counts counts, List<String> problems) {
    }

    private final S3Client s3;
    private final String bucket;
    private final DataSource db;
    private final Path work;

    AerialLedger(S3Client s3, String bucket, DataSource db, Path work) {
        this.s3 = s3;
        this.bucket = bucket;
        this.db = db;
        this.work = work;
    }

    /**
     * @param scratch the workers' aerial scratch folders (anything in them is left over)
     * @param tmps    the workers' java.io.tmpdir (the GDAL runner's {@code gdal-cmd-*} files in them are)
     * @param inSqsDlq upload keys whose event is in the queue's DLQ
     */
    Account account(List<AerialCorpus.Input> inputs, Map<String, Integer> cogPuts, List<Path> scratch,
            List<Path> tmps, Set<String> inSqsDlq) throws Exception {
        Files.createDirectories(work);
        Set<String> keys = new HashSet<>();
        s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).forEach(keys::add);
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, Integer>> rows = new HashMap<>();
        Map<String, Boolean> mapfiles = new HashMap<>();
        Map<String, Integer> dl = new TreeMap<>();
        List<String> lost = new ArrayList<>();
        int stored = 0;
        int waiting = 0;
        for (AerialCorpus.Input in : inputs) {
            Map<String, Integer> table = rows.computeIfAbsent(in.collection(), this::rows);
            String error = errorOf(keys, in);
            HeadObjectResponse upload = head(in.key());
            if (upload == null || !in.etag().equals(upload.eTag())) {
                problems.add(in.key() + ": the upload was deleted or changed");
            }
            String cog = cogProblem(keys, in);
            int n = table.getOrDefault(in.fileName(), 0);
            boolean map = mapfiles.computeIfAbsent(in.collection(), c -> renders(c, table, problems));
            if (cog == null && n == 1 && map) {
                stored++;
            } else if (error != null) {
                dl.merge(error, 1, Integer::sum);
            } else if (inSqsDlq.contains(in.key())) {
                dl.merge("SQS_DLQ", 1, Integer::sum);
            } else if (upload != null) {
                lost.add(in.key() + " (" + (cog != null ? cog : n == 0 ? "no tile-index row" : "no valid mapfile") + ")");
            } else {
                lost.add(in.key());
            }
            if (in.deservesError() != (error != null)) {
                problems.add(in.key() + (error != null ? ": an error record it does not deserve: " + error
                        : ": no error record, although it deserves one"));
            }
            if (in.deservesError() && keys.contains(in.cogKey())) {
                problems.add(in.key() + ": a COG from a bad upload");
            }
        }
        int duplicated = duplicates(inputs, keys, rows);
        int repeats = cogPuts.values().stream().mapToInt(c -> Math.max(0, c - 1)).sum();
        List<String> left = leftovers(scratch, "");
        left.addAll(leftovers(tmps, "gdal-cmd-"));
        if (!left.isEmpty()) {
            problems.add(left.size() + " file(s) left in the workers' scratch folders, e.g. " + left.subList(0,
                    Math.min(3, left.size())));
        }
        return new Account(new Ledger.Counts(inputs.size(), stored, dl, 0, waiting, lost.size(), duplicated, repeats,
                lost.subList(0, Math.min(10, lost.size()))), problems);
    }

    /** The upload's error record, as {@code <error>} (e.g. RasterRejectedException), or null. */
    private String errorOf(Set<String> keys, AerialCorpus.Input in) throws IOException {
        String key = "errors/" + in.key() + ".json";
        if (!keys.contains(key)) {
            return null;
        }
        JsonNode r = JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        if (r.path("reason").asText().isBlank()) {
            return "NO_REASON";
        }
        return r.path("error").asText("?");
    }

    /** Null when the COG exists, carries this upload's ETag and passes the COG check; else what is wrong. */
    private String cogProblem(Set<String> keys, AerialCorpus.Input in) throws IOException {
        if (!keys.contains(in.cogKey())) {
            return "no COG";
        }
        HeadObjectResponse h = head(in.cogKey());
        if (h == null || !in.etag().equals(h.metadata().get(UploadLedger.SOURCE_ETAG))) {
            return "COG without this upload's ETag";
        }
        Path file = work.resolve("cog-" + in.fileName());
        Files.deleteIfExists(file);
        s3.getObject(b -> b.bucket(bucket).key(in.cogKey()), ResponseTransformer.toFile(file));
        CogValidator.Result v = CogLayoutCheck.check(file);
        Files.delete(file);
        return v.valid() ? null : "invalid COG: " + v.summary();
    }

    /** Row name -> rows with that name in the collection's table (none when there is no table). */
    private Map<String, Integer> rows(String collection) {
        Map<String, Integer> out = new HashMap<>();
        String t = TileIndexStore.tableName(collection);
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, t);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return out;
                }
            }
            try (ResultSet rs = c.createStatement().executeQuery("SELECT name, count(*) FROM " + t + " GROUP BY name")) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the tile index " + t + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** COGs no upload accounts for; rows beyond one per name; rows whose COG does not exist. */
    private int duplicates(List<AerialCorpus.Input> inputs, Set<String> keys, Map<String, Map<String, Integer>> rows) {
        Set<String> expectedCogs = new HashSet<>();
        inputs.forEach(in -> expectedCogs.add(in.cogKey()));
        int n = (int) keys.stream().filter(k -> k.matches(".*/cog/[^/]+\\.tif") && !expectedCogs.contains(k)).count();
        for (Map.Entry<String, Map<String, Integer>> t : rows.entrySet()) {
            String cogPrefix = inputs.stream().filter(i -> i.collection().equals(t.getKey())).findFirst()
                    .map(i -> i.cogKey().substring(0, i.cogKey().lastIndexOf('/') + 1)).orElse("");
            for (Map.Entry<String, Integer> row : t.getValue().entrySet()) {
                n += row.getValue() - 1;
                if (!keys.contains(cogPrefix + row.getKey())) {
                    n += 1;
                }
            }
        }
        return n;
    }

    /**
     * Whether the collection's mapfile exists and MapServer ({@code map2img}) draws imagery from it around one of
     * its rows (the colour collection: the largest scene).
     */
    private boolean renders(String collection, Map<String, Integer> table, List<String> problems) {
        if (table.isEmpty()) {
            return false;
        }
        String t = TileIndexStore.tableName(collection);
        String key = "mapfiles/" + t + ".map";
        try {
            Path map = work.resolve(t + ".map");
            s3.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toFile(deleted(map)));
            double[] e = largestRow(t);
            double half = Math.max(e[2] - e[0], e[3] - e[1]) * 0.3;
            double cx = (e[0] + e[2]) / 2;
            double cy = (e[1] + e[3]) / 2;
            Path png = deleted(work.resolve(t + ".png"));
            Process p = new ProcessBuilder("map2img", "-m", map.toString(), "-o", png.toString(), "-e",
                    Double.toString(cx - half), Double.toString(cy - half), Double.toString(cx + half),
                    Double.toString(cy + half), "-s", "64", "64", "-l", MapfileWriter.rasterLayer(collection))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(png)) {
                problems.add(key + ": map2img failed: " + out.strip());
                return false;
            }
            BufferedImage img = ImageIO.read(png.toFile());
            Set<Integer> colours = new HashSet<>();
            for (int x = 0; x < img.getWidth(); x++) {
                for (int y = 0; y < img.getHeight(); y++) {
                    colours.add(img.getRGB(x, y) & 0xFFFFFF);
                }
            }
            if (colours.size() < 5) {
                problems.add(key + ": MapServer drew no imagery (" + colours.size() + " colours)");
                return false;
            }
            return true;
        } catch (Exception e) {
            problems.add(key + ": " + e);
            return false;
        }
    }

    private double[] largestRow(String table) throws SQLException {
        try (Connection c = db.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM " + table
                        + " ORDER BY ST_Area(geom) DESC LIMIT 1")) {
            rs.next();
            return new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)};
        }
    }

    private HeadObjectResponse head(String key) {
        try {
            return s3.headObject(r -> r.bucket(bucket).key(key));
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return null;
        }
    }

    private static Path deleted(Path p) throws IOException {
        Files.deleteIfExists(p);
        return p;
    }

    /** Files and folders under the folders (their roots apart) whose name starts with {@code prefix}. */
    static List<String> leftovers(List<Path> roots, String prefix) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(p -> !p.equals(root) && p.getFileName().toString().startsWith(prefix))
                            .forEach(p -> out.add(p.toString()));
                }
            }
        }
        return out;
    }
}
