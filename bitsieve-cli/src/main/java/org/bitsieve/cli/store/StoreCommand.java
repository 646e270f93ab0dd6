package org.bitsieve.cli.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

/**
 * Base of the store commands: turns the store's unchecked failures into the exception types the CLI's error
 * handler prints as one line (IOException, IllegalArgumentException), never as a stack trace.
 */
abstract class StoreCommand implements Callable<Integer> {
    @Override
    public final Integer call() throws Exception {
        try {
            return run();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    abstract int run() throws IOException;
}
