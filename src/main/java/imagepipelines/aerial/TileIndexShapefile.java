package imagepipelines.aerial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Vector;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.gdal.ogr.DataSource;
import org.gdal.ogr.Feature;
import org.gdal.ogr.FieldDefn;
import org.gdal.ogr.Geometry;
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

    public static byte[] zip(String collection, List<TileIndexEntry> entries) {
        GdalRuntime.ensureLoaded();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("tile-index-shp-");
            String base = collection;
            Path shp = dir.resolve(base + ".shp");
            write(shp, base, entries);
            return zipDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the shapefile of " + collection + " failed", e);
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
                Feature f = new Feature(layer.GetLayerDefn());
                try {
                    GeoPackageTileIndex.setFields(f, e);
                    Geometry g = ogr.CreateGeometryFromWkt(e.footprint().toWkt());
                    f.SetGeometry(g);
                    g.delete();
                    layer.CreateFeature(f);
                } finally {
                    f.delete();
                }
            }
        } finally {
            srs.delete();
            ds.delete(); // flushes and closes the files
        }
    }

    private static byte[] zipDirectory(Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes); Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                zip.putNextEntry(new ZipEntry(p.getFileName().toString()));
                Files.copy(p, zip);
                zip.closeEntry();
            }
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
