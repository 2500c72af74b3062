package imagepipelines.aerial;

import java.util.List;

import imagepipelines.aws.S3Objects;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Each collection's tile index (PostGIS or GeoPackage, {@link AerialTileIndexes}) follows the bucket: a COG's row
 * upserted by file name or removed, never a rebuild from a listing; and what is published from it. Every database
 * call goes through {@link TileIndexOutage}, so an unreachable database is retried, not blamed on the upload.
 */
public class TileIndexPublisher {

    private final S3Client s3;
    private final TileIndexStore tileIndex;
    private final CogLocations locations;

    public TileIndexPublisher(S3Client s3, TileIndexStore tileIndex, CogLocations locations) {
        this.s3 = s3;
        this.tileIndex = tileIndex;
        this.locations = locations;
    }

    /**
     * The original's date/roll/frame rules for the upload's file name ({@link FrameAttributes}), checked before
     * anything is written: a name they cannot read gets an error record instead of a COG without an index row.
     */
    public FrameAttributes checkNaming(AerialJob job) {
        return FrameAttributes.of(job.key(), locations::downloadUrl);
    }

    /** Upserts the COG's row (by file name) in its collection's table; returns the collection's rows. */
    public List<TileIndexEntry> update(AerialJob job) {
        AerialKey k = job.key();
        TileIndexEntry e = TileIndexEntry.forCog(k.file(), locations.location(job.cogKey()), job.cogInfo())
                .with(FrameAttributes.of(k, locations::downloadUrl));
        String collection = k.collection();
        List<TileIndexEntry> entries = TileIndexOutage.guard(() -> {
            tileIndex.upsert(collection, e);
            return tileIndex.entries(collection);
        });
        job.indexRows(entries.size());
        return entries;
    }

    /**
     * A COG deleted from {@code cog/}: its row leaves the collection's index; false (nothing done) when the
     * object exists again (a later upload: its own event indexes it) or had no row.
     */
    public boolean remove(AerialJob job) {
        if (S3Objects.exists(s3, job.bucket(), job.rawKey())) {
            return false;
        }
        AerialKey k = job.key();
        boolean removed = TileIndexOutage.guard(() -> tileIndex.remove(k.collection(), k.file()));
        job.indexRows(TileIndexOutage.guard(() -> tileIndex.entries(k.collection())).size());
        return removed;
    }

    /** Whether the collection's tile index has the upload's row (a COG stored before an index outage has none). */
    public boolean has(AerialJob job) {
        String name = job.key().file();
        return TileIndexOutage.guard(() -> tileIndex.entries(job.key().collection()).stream()
                .anyMatch(e -> e.name().equals(name)));
    }

    /**
     * The collection's tile-index downloads, as the original published them: {@code .../cog/tile_index/<idx>}
     * {@code .shp .shx .dbf .cpg} (+ {@code .prj}) and {@code <idx>_idx.zip} with the same files.
     */
    public List<TileIndexShapefile.Published> files(AerialJob job) {
        AerialKey k = job.key();
        List<TileIndexEntry> entries = TileIndexOutage.guard(() -> tileIndex.entries(k.collection()));
        return TileIndexShapefile.published(k.tileIndexBaseKey(), k.tileIndexName(), entries);
    }

    /**
     * The compiled index of every collection (the original's {@code ls4-compile_indexes}); null when the tile
     * index is not in PostGIS (the local GeoPackage).
     */
    public byte[] compiledIndex() {
        return tileIndex instanceof PostgisTileIndex pg ? TileIndexOutage.guard(() -> CompiledIndex.geojson(pg)) : null;
    }
}
