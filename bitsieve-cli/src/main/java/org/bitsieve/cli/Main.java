package org.bitsieve.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bitsieve} command. */
@Command(name = "bitsieve", mixinStandardHelpOptions = true, version = "bitsieve 0.1.0",
        description = "Sentence embeddings to tiny bit codes: embed, fit, encode, evaluate; index, search and classify collections.",
        subcommands = {EmbedCommand.class, FitCommand.class, EncodeCommand.class, EvalCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        for (Class<?> c : org.bitsieve.cli.store.StoreCli.COMMANDS) {
            cl.addSubcommand(c);
        }
        for (Class<?> c : org.bitsieve.cli.serve.ServeCommand.COMMANDS) cl.addSubcommand(c);
        cl.addSubcommand(org.bitsieve.cli.bench.BenchCommand.class);
        cl.addSubcommand(org.bitsieve.cli.web.ExportWebCommand.class);
        cl.addSubcommand(org.bitsieve.cli.demo.DemoCommand.class);
        cl.setExecutionExceptionHandler(new Errors());
        cl.setCaseInsensitiveEnumValuesAllowed(true); // help lists lowercase values (--format lines); accept them as shown
        return cl.execute(args);
    }
}
