package org.bitsieve.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * Turns expected failures (bad input, bad files) into one clear line on stderr and exit code 2, instead of
 * a stack trace. Unexpected errors keep their trace, since they are bugs.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        String msg = message(ex);
        if (msg != null) {
            cl.getErr().println("bitsieve: error: " + msg);
            return 2;
        }
        ex.printStackTrace(cl.getErr());
        return 1;
    }

    static String message(Throwable ex) {
        if (ex instanceof NoSuchFileException nf) {
            return "file not found: " + nf.getFile();
        }
        if (ex instanceof IOException && org.bitsieve.core.io.DiskErrors.outOfSpace(ex) != null) {
            return ex.getMessage() + " (the disk is full, or a quota or file-size limit was reached): free space and run the "
                    + "command again; a collection keeps every write committed before";
        }
        if (ex instanceof IllegalArgumentException || ex instanceof IOException || ex instanceof UserException) {
            return ex.getMessage();
        }
        if (ex.getClass().getName().startsWith("org.bitsieve.embed.EmbeddingException")) {
            return ex.getMessage();
        }
        return null;
    }
}
