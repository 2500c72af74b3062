package imagepipelines.aerial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Vector;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.gdal.ogr.DataSource;
import org.gdal.ogr.FieldDefn;
import org.gdal.ogr.Layer;
import org.gdal.ogr.ogr;
import org.gdal.ogr.ogrConstants;
import org.gdal.osr.SpatialReference;

/**
 * Writes a collection's tile index as a zipped ESRI shapefile ({@code .shp .shx .dbf .prj .cpg}, named after the
 * collection) through the OGR bindings, for the {@code .../cog/tile_index/} download. Built from the entries of
 * a {@link TileIndexStore}, so the zip always matches the index.
 */
public final class TileIndexShapefile {

    /** DBF character fields hold at most 254 bytes. */
    private static final int DBF_MAX_WIDTH = 254;

    private TileIndexShapefile() {
    }

    /** One object of the tile-index downloads. */
    public record Published(String key, byte[] bytes, String contentType) {
    }

    /**
     * The shapefile's {@code .shp .shx .dbf .cpg .prj} under {@code <baseKey>.<ext>} and all of them zipped as
     * {@code <baseKey>_idx.zip} (the original's {@code dl_index}); the files are named {@code <name>.<ext>}.
     */
    public static List<Published> published(String baseKey, String name, List<TileIndexEntry> entries) {
        Map<String, byte[]> files = files(name, entries);
        List<Published> out = new ArrayList<>();
        files.forEach((file, bytes) -> out.add(new Published(baseKey + file.substring(name.length()), bytes,
                "application/octet-stream")));
        out.add(new Published(baseKey + "_idx.zip", zip(files), "application/zip"));
        return out;
    }

    /** The zipped shapefile alone. */
    public static byte[] zip(String collection, List<TileIndexEntry> entries) {
        return zip(files(collection, entries));
    }

    /** File name → bytes of the shapefile {@code <name>.shp} and its companions, sorted by name. */
    static Map<String, byte[]> files(String name, List<TileIndexEntry> entries) {
        GdalRuntime.ensureLoaded();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("tile-index-shp-");
            write(dir.resolve(name + ".shp"), name, entries);
            Map<String, byte[]> out = new TreeMap<>();
            try (Stream<Path> list = Files.list(dir)) {
                for (Path f : list.toList()) {
                    out.put(f.getFileName().toString(), Files.readAllBytes(f));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("writing the shapefile of " + name + " failed", e);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void write(Path shp, String layerName, List<TileIndexEntry> entries) {
        DataSource ds = ogr.GetDriverByName("ESRI Shapefile").CreateDataSource(shp.toString());
        SpatialReference srs = new SpatialReference();
        try {
            srs.ImportFromEPSG(3857);
            Layer layer = ds.CreateLayer(layerName, srs, ogrConstants.wkbPolygon,
                    new Vector<>(List.of("ENCODING=UTF-8")));
            for (String a : TileIndexStore.ATTRIBUTES) {
                FieldDefn fd = new FieldDefn(a, ogrConstants.OFTString);
                fd.SetWidth(DBF_MAX_WIDTH);
                layer.CreateField(fd);
                fd.delete();
            }
            for (TileIndexEntry e : entries) {
                GeoPackageTileIndex.addFeature(layer, e);
            }
        } finally {
            srs.delete();
            ds.delete(); // flushes and closes the files
        }
    }

    private static byte[] zip(Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir: nothing else to do
        }
    }
}
