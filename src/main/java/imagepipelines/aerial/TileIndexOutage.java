package imagepipelines.aerial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * Tells a tile-index database that cannot be reached from a bad upload: SQLState class 08 (connection), 53
 * (resources), 57P (operator intervention), 40001/40P01 (serialization/deadlock) become an
 * {@link UncheckedIOException} around an {@link IOException}, which the routes retry and then leave the upload for
 * later instead of blaming it.
 */
final class TileIndexOutage {

    private TileIndexOutage() {
    }

    static <T> T guard(Supplier<T> op) {
        try {
            return op.get();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.sql.SQLException sql && transientSqlState(sql.getSQLState())) {
                    throw new UncheckedIOException(new IOException("tile index database unavailable (SQLState "
                            + sql.getSQLState() + "): " + sql.getMessage()));
                }
            }
            throw e;
        }
    }

    static boolean transientSqlState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                || state.equals("40001") || state.equals("40P01"));
    }
}
