package imagepipelines.aerial;

import java.util.Locale;

/** A collection's mapfile from its tile index as it is now; never with credentials ({@link MapfileWriter}). */
public class MapfileComposer {

    private final TileIndexStore tileIndex;
    private final String mapfileConnection;
    private final MapfilePublication mapfiles;

    /**
     * @param mapfileConnection libpq connection string the mapfile uses for PostGIS (a password is refused)
     * @param mapfiles          how the MapServer host sees the mapfiles (WMS URL, mount, error file)
     */
    public MapfileComposer(TileIndexStore tileIndex, String mapfileConnection, MapfilePublication mapfiles) {
        this.tileIndex = tileIndex;
        this.mapfileConnection = mapfileConnection;
        this.mapfiles = mapfiles;
    }

    public String mapfile(AerialJob job) {
        AerialKey k = job.key();
        String collection = k.collection();
        String table = k.collectionTable();
        MapfileWriter.IndexSource source = tileIndex instanceof GeoPackageTileIndex g
                ? new MapfileWriter.GeoPackage(g.file(), table)
                : new MapfileWriter.Postgis(mapfileConnection, table);
        Envelope extent = TileIndexOutage.guard(() -> tileIndex.extent(collection)).orElseThrow(
                () -> new IllegalStateException("tile index of " + collection + " is empty"));
        String title = k.county() + " " + k.agency() + " " + k.year() + " " + k.kind().name().toLowerCase(Locale.ROOT)
                + " (" + (k.bandMode() == BandMode.BW ? "black and white" : "natural colour") + ")";
        return MapfileWriter.write(new MapfileWriter.Spec(collection, title, extent, source,
                mapfiles.onlineResource(table), mapfiles.errorFile()));
    }
}
