package imagepipelines.ingest.bulk;

import java.util.ArrayList;
import java.util.List;

/** What a bulk run's problems say to people: the kept zip's dead-letter reason and the batch errors. */
final class BulkMessages {

    private BulkMessages() {
    }

    /** Why the zip is kept, for its dead letter's metadata. */
    static String deadLetterReason(BulkRun run) {
        if (run.repeated() != null) {
            return run.repeated();
        }
        if (run.fatal() != null) {
            return "the archive could not be read: " + run.fatal();
        }
        List<String> why = new ArrayList<>(run.problems());
        List<String> ni = run.nonImages();
        if (!ni.isEmpty()) {
            why.add(ni.size() + " file(s) skipped, not images (accepted: .jpg .jpeg .png): " + String.join(", ", ni));
        }
        return "not every entry was extracted: " + String.join("; ", why);
    }

    /** The batch error for a repeated upload. */
    static String repeatedError(BulkRun run) {
        return "bulk upload " + run.zipName() + " was uploaded again, but " + run.repeated() + ": it is not processed "
                + "again (its images would be counted twice); the zip is kept as dead letter " + run.keptAs()
                + ". To add images to the project, upload them as a new batch.";
    }

    /** The batch errors to record, one per problem (at most {@code max}, then a summary), then the skipped files. */
    static List<String> batchErrors(BulkRun run, int max) {
        List<String> out = new ArrayList<>();
        if (run.fatal() != null) {
            out.add("bulk upload " + run.zipName() + " could not be read: " + run.fatal()
                    + (run.extracted() > 0 ? " (" + run.extracted() + " images extracted before this are kept)" : "")
                    + "; the zip is kept as dead letter " + run.keptAs());
        }
        List<String> ps = run.problems();
        for (int i = 0; i < ps.size() && i < max; i++) {
            out.add(ps.get(i));
        }
        if (ps.size() > max) {
            out.add((ps.size() - max) + " more entries of " + run.zipName() + " could not be extracted (not listed)");
        }
        List<String> ni = run.nonImages();
        if (!ni.isEmpty()) {
            out.add(ni.size() + " file(s) in " + run.zipName() + " skipped, not images (accepted: .jpg .jpeg .png): "
                    + String.join(", ", ni.subList(0, Math.min(ni.size(), 25))) + (ni.size() > 25 ? ", ..." : ""));
        }
        if (run.fatal() == null && run.total() == 0) {
            out.add("bulk upload " + run.zipName() + " contains no images to ingest (accepted: .jpg .jpeg .png"
                    + (run.hidden() > 0 ? "; " + run.hidden() + " hidden/__MACOSX files ignored" : "") + ")");
        }
        return out;
    }
}
