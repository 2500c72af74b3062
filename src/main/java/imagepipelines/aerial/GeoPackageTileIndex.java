package imagepipelines.aerial;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;

import org.gdal.ogr.DataSource;
import org.gdal.ogr.Driver;
import org.gdal.ogr.Feature;
import org.gdal.ogr.FieldDefn;
import org.gdal.ogr.Geometry;
import org.gdal.ogr.Layer;
import org.gdal.ogr.ogr;
import org.gdal.ogr.ogrConstants;
import org.gdal.osr.SpatialReference;

/**
 * Tile index in a GeoPackage file (through the GDAL/OGR Java bindings): one layer per collection, named like
 * the PostGIS table, polygons in EPSG:3857 with an R-tree spatial index, the attributes of
 * {@link TileIndexStore}. MapServer reads it with {@code CONNECTIONTYPE OGR}.
 *
 * <p>Each upsert deletes the feature with the same name and writes the new one inside one SQLite transaction.
 * A GeoPackage has a single writer: writes through this class are serialised per file within the JVM; other
 * processes must not write the same file at the same time.
 */
public class GeoPackageTileIndex implements TileIndexStore {

    private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Object lock;

    public GeoPackageTileIndex(Path file) {
        GdalRuntime.ensureLoaded();
        this.file = file.toAbsolutePath().normalize();
        this.lock = LOCKS.computeIfAbsent(this.file, f -> new Object());
    }

    public Path file() {
        return file;
    }

    @Override
    public void upsert(String collection, TileIndexEntry e) {
        String t = TileIndexStore.tableName(collection);
        synchronized (lock) {
            DataSource ds = openForUpdate();
            try {
                Layer layer = ds.GetLayerByName(t);
                if (layer == null) {
                    layer = createLayer(ds, t);
                }
                ds.StartTransaction();
                try {
                    deleteByName(layer, e.name());
                    addFeature(layer, e);
                    ds.CommitTransaction();
                } catch (RuntimeException ex) {
                    ds.RollbackTransaction();
                    throw ex;
                }
            } catch (RuntimeException ex) {
                throw new IllegalStateException("tile index " + file + ": upserting " + e.name() + " into " + t
                        + " failed: " + ex.getMessage(), ex);
            } finally {
                ds.delete();
            }
        }
    }

    @Override
    public List<TileIndexEntry> entries(String collection) {
        return read(collection, layer -> {
            List<TileIndexEntry> out = new ArrayList<>();
            layer.ResetReading();
            for (Feature f = layer.GetNextFeature(); f != null; f = layer.GetNextFeature()) {
                try {
                    out.add(toEntry(f));
                } finally {
                    f.delete();
                }
            }
            out.sort((a, b) -> a.name().compareTo(b.name()));
            return out;
        }, List.of());
    }

    @Override
    public Optional<Envelope> extent(String collection) {
        return read(collection, layer -> {
            if (layer.GetFeatureCount() == 0) {
                return Optional.<Envelope>empty();
            }
            double[] e = layer.GetExtent(); // minx, maxx, miny, maxy
            return Optional.of(new Envelope(e[0], e[2], e[1], e[3]));
        }, Optional.empty());
    }

    @Override
    public boolean remove(String collection, String name) {
        String t = TileIndexStore.tableName(collection);
        synchronized (lock) {
            if (!Files.exists(file)) {
                return false;
            }
            DataSource ds = openForUpdate();
            try {
                Layer layer = ds.GetLayerByName(t);
                return layer != null && deleteByName(layer, name) > 0;
            } finally {
                ds.delete();
            }
        }
    }

    private interface LayerReader<T> {
        T read(Layer layer);
    }

    private <T> T read(String collection, LayerReader<T> reader, T none) {
        String t = TileIndexStore.tableName(collection);
        synchronized (lock) {
            if (!Files.exists(file)) {
                return none;
            }
            DataSource ds = ogr.Open(file.toString(), 0);
            try {
                Layer layer = ds.GetLayerByName(t);
                return layer == null ? none : reader.read(layer);
            } finally {
                ds.delete();
            }
        }
    }

    private DataSource openForUpdate() {
        if (Files.exists(file)) {
            return ogr.Open(file.toString(), 1);
        }
        Driver gpkg = ogr.GetDriverByName("GPKG");
        return gpkg.CreateDataSource(file.toString());
    }

    private static Layer createLayer(DataSource ds, String name) {
        SpatialReference srs = new SpatialReference();
        try {
            srs.ImportFromEPSG(3857);
            Vector<String> options = new Vector<>(List.of("GEOMETRY_NAME=" + GEOMETRY, "FID=id",
                    "SPATIAL_INDEX=YES"));
            Layer layer = ds.CreateLayer(name, srs, ogrConstants.wkbPolygon, options);
            for (String a : ATTRIBUTES) {
                FieldDefn fd = new FieldDefn(a, ogrConstants.OFTString);
                if (NAME.equals(a) || LOCATION.equals(a) || SRC_SRS.equals(a)) {
                    fd.SetNullable(0);
                }
                layer.CreateField(fd);
                fd.delete();
            }
            // unique name, as in PostGIS: guards the upsert semantics against other writers
            ds.ExecuteSQL("CREATE UNIQUE INDEX \"" + name + "_name_uq\" ON \"" + name + "\" (" + NAME + ")");
            return layer;
        } finally {
            srs.delete();
        }
    }

    private static int deleteByName(Layer layer, String name) {
        layer.SetAttributeFilter(NAME + " = '" + name.replace("'", "''") + "'");
        List<Long> fids = new ArrayList<>();
        layer.ResetReading();
        for (Feature f = layer.GetNextFeature(); f != null; f = layer.GetNextFeature()) {
            fids.add(f.GetFID());
            f.delete();
        }
        layer.SetAttributeFilter(null);
        for (long fid : fids) {
            layer.DeleteFeature(fid);
        }
        return fids.size();
    }

    /** One row: the entry's fields and its footprint. */
    static void addFeature(Layer layer, TileIndexEntry e) {
        Feature f = new Feature(layer.GetLayerDefn());
        try {
            setFields(f, e);
            Geometry g = ogr.CreateGeometryFromWkt(e.footprint().toWkt());
            f.SetGeometry(g);
            g.delete();
            layer.CreateFeature(f);
        } finally {
            f.delete();
        }
    }

    static void setFields(Feature f, TileIndexEntry e) {
        String[] values = {e.name(), e.location(), e.srcSrs(), e.date(), e.roll(), e.frameNum(), e.dlOrig(),
            e.dlGeoref(), e.dlIndex()};
        for (int i = 0; i < ATTRIBUTES.size(); i++) {
            if (values[i] == null) {
                f.SetFieldNull(ATTRIBUTES.get(i));
            } else {
                f.SetField(ATTRIBUTES.get(i), values[i]);
            }
        }
    }

    private static TileIndexEntry toEntry(Feature f) {
        String[] v = new String[ATTRIBUTES.size()];
        for (int i = 0; i < v.length; i++) {
            String a = ATTRIBUTES.get(i);
            v[i] = f.IsFieldSetAndNotNull(a) ? f.GetFieldAsString(a) : null;
        }
        Geometry g = f.GetGeometryRef();
        return new TileIndexEntry(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
                Wkt.parsePolygon(g.ExportToWkt()));
    }
}
