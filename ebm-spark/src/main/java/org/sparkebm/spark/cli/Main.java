package org.sparkebm.spark.cli;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * {@code Main <command> [args...]}: the one entry point of the application jar and of {@code submit/sparkebm.sh}.
 * The commands and their usage lines are those of {@code docs/commands.md} ({@link CommandDocs}).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args).code);
    }

    /** Dispatches to the command named by {@code args[0]}; returns its exit code (2 for an unknown command). */
    public static ExitCode run(String[] args) {
        String names = CommandDocs.ALL.stream().map(CommandDocs.Command::name).collect(Collectors.joining("|"));
        if (args.length == 0) {
            System.err.println("usage: Main " + names + " <args...>");
            return ExitCode.BAD_CONFIG;
        }
        for (CommandDocs.Command c : CommandDocs.ALL) {
            if (c.name().equals(args[0])) {
                return c.run().apply(Arrays.copyOfRange(args, 1, args.length));
            }
        }
        System.err.println("sparkebm: unknown command '" + args[0] + "' (commands: " + names + ")");
        return ExitCode.BAD_CONFIG;
    }
}
