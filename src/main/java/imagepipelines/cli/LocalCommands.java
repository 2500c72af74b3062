package imagepipelines.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The commands that need the embedded local stack (demo, local-stack, the benchmarks). They live in
 * image-pipelines-local.jar, found through {@link ServiceLoader}, so the production jar holds none of them.
 */
public interface LocalCommands {

    /** One command: its arguments after the name, its exit code. */
    interface Command {
        int run(List<String> args) throws Exception;
    }

    /** The commands this set provides, by name. */
    Map<String, Command> commands();

    /** The named command of the first set on the class path that has it. */
    static Optional<Command> find(String name) {
        return ServiceLoader.load(LocalCommands.class).stream()
                .map(p -> p.get().commands().get(name))
                .filter(c -> c != null)
                .findFirst();
    }

    /** Whether any set is on the class path (false in the production image). */
    static boolean present() {
        return ServiceLoader.load(LocalCommands.class).findFirst().isPresent();
    }
}
