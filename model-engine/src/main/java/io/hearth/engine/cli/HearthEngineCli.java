package io.hearth.engine.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hearth-engine}: the engine from the command line. Bad input ends with one line on stderr and a non-zero exit
 * (2 for usage errors, 1 for anything the command could not do), never a stack trace.
 */
@Command(name = "hearth-engine", mixinStandardHelpOptions = true, version = "hearth-engine 0.1.0",
        description = "Run GGUF models on the CPU.",
        subcommands = {TokenizeCommand.class, GenerateCommand.class, LogitsCommand.class, BenchCommand.class, GenModelCommand.class})
public final class HearthEngineCli {
    private HearthEngineCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(HearthEngineCli.class);
        cli.setParameterExceptionHandler((e, argv) -> {
            System.err.println("hearth-engine: " + e.getMessage().replaceFirst("^Error: ", "") + " (see hearth-engine " + commandName(e.getCommandLine()) + " --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            System.err.println("hearth-engine: " + oneLine(e));
            return 1;
        });
        return cli.execute(args);
    }

    private static String commandName(CommandLine cl) {
        return cl.getCommandName().equals("hearth-engine") ? "" : cl.getCommandName();
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) message = e.getClass().getSimpleName();
        if (e instanceof java.nio.file.NoSuchFileException) message = "no such file: " + message;
        return message.replace('\n', ' ');
    }
}
