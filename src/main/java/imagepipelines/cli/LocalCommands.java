package imagepipelines.cli;

import java.util.List;
import java.util.ServiceLoader;

/**
 * The commands that need the embedded local stack (demo, local-stack, the benchmarks). They live in
 * image-pipelines-local.jar, found through {@link ServiceLoader}, so the production jar holds none of them.
 */
public interface LocalCommands {

    /** picocli {@code @Command} objects, added to the command line as subcommands. */
    List<Object> subcommands();

    /** Every set on the class path (none in the production image). */
    static List<LocalCommands> onClassPath() {
        return ServiceLoader.load(LocalCommands.class).stream().map(ServiceLoader.Provider::get).toList();
    }
}
