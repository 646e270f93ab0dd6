package org.bitsieve.cli.store;

import org.bitsieve.store.Collection;
import org.bitsieve.store.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check every byte of a collection (each block, each log record) without changing it.",
                "Prints what is wrong per file with byte offsets. Exit code 0: healthy, 1: damaged (run `bitsieve repair`),"
                        + " 2: usage error, not a collection, or the collection is open elsewhere."})
public final class VerifyCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection folder.")
    Path collection;

    @Override
    int run() throws IOException {
        VerifyReport r = Collection.verify(collection);
        if (r.healthy()) {
            System.out.println(collection + ": ok (every file verified)");
            return 0;
        }
        System.out.println(collection + ": damaged (" + r.problems().size() + " problem" + (r.problems().size() == 1 ? "" : "s") + ")");
        r.problems().forEach(p -> System.out.println("  " + p));
        System.out.println(r.tornTail()
                ? "only the log's tail is bad: a crash mid-write leaves this (opening keeps the bytes aside); if there was no crash, run `bitsieve repair`"
                : "run `bitsieve repair " + collection + "` to salvage what is intact");
        return 1;
    }
}
