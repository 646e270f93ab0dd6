package org.bitsieve.cli.store;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * The store commands on their own, with the same one-line error handling as the main CLI. The main
 * {@code bitsieve} command registers {@link #COMMANDS}; this entry point serves tests and standalone use.
 */
@Command(name = "bitsieve", mixinStandardHelpOptions = true, description = "bitsieve collections.",
        subcommands = {IndexCommand.class, SearchCommand.class, ShellCommand.class, ClassifyCommand.class, GetCommand.class, DeleteCommand.class,
                InfoCommand.class, CompactCommand.class, DropCommand.class, VerifyCommand.class, RepairCommand.class, RefitCommand.class,
                CalibrateCommand.class})
public final class StoreCli implements Runnable {
    /** The command classes to register as subcommands of the main CLI. */
    public static final Class<?>[] COMMANDS = {IndexCommand.class, SearchCommand.class, ShellCommand.class, ClassifyCommand.class, GetCommand.class,
            DeleteCommand.class, InfoCommand.class, CompactCommand.class, DropCommand.class, VerifyCommand.class, RepairCommand.class,
            RefitCommand.class, CalibrateCommand.class};

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) { System.exit(run(args)); }

    public static int run(String... args) {
        CommandLine cl = new CommandLine(new StoreCli());
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            String msg = message(ex);
            if (msg != null) {
                c.getErr().println("bitsieve: error: " + msg);
                return 2;
            }
            ex.printStackTrace(c.getErr());
            return 1;
        });
        return cl.execute(args);
    }

    static String message(Throwable ex) {
        if (ex instanceof NoSuchFileException nf) {
            return "file not found: " + nf.getFile();
        }
        if (ex instanceof IllegalArgumentException || ex instanceof IOException) {
            return ex.getMessage();
        }
        return null;
    }
}
