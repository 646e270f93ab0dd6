package org.bitsieve.cli.store;

import org.bitsieve.store.Collection;
import org.bitsieve.store.RepairReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;

@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {"Salvage everything intact from a damaged collection: intact log records after a damaged one are kept,"
                + " damaged blocks drop only the documents in them, a lost MANIFEST is rebuilt when that is unambiguous.",
                "Nothing is deleted: whatever is discarded moves to COLLECTION/quarantine/repair-<time>/ with a REPORT.txt."})
public final class RepairCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection folder.")
    Path collection;

    @Override
    int run() throws IOException {
        RepairReport r = Collection.repair(collection);
        r.actions().forEach(a -> System.out.println("  " + a));
        if (!r.changed()) {
            System.out.println(collection + ": healthy, nothing changed (" + r.documents() + " documents)");
            return 0;
        }
        int shown = Math.min(20, r.lostIds().size());
        if (!r.lostIds().isEmpty()) {
            System.out.println("lost " + r.lostIds().size() + " documents in damaged parts: " + String.join(", ", r.lostIds().subList(0, shown))
                    + (shown < r.lostIds().size() ? ", ... (all in the report)" : ""));
        }
        if (r.lostWithoutIds() > 0) {
            System.out.println("lost " + r.lostWithoutIds() + " more documents whose ids were unreadable");
        }
        System.out.println("repaired " + collection + ": " + r.documents() + " documents; discarded bytes and the report are in "
                + r.quarantine());
        return 0;
    }
}
