package dev.meshdns.cli;

import dev.meshdns.config.InvalidConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code mesh-dns} command line: {@code serve} runs the server, {@code control-plane} the
 * reference control plane. Exit codes of both: 0 after a clean stop, 2 for bad flags or
 * configuration (every problem listed), 1 when the command cannot start. Not thread-safe (one
 * invocation per instance).
 */
@Command(name = "mesh-dns", subcommands = {ServeCommand.class, ControlPlaneCommand.class, CommandLine.HelpCommand.class},
        description = "Authoritative DNS for a service mesh: stable virtual IPs for every service.")
public final class Main implements Runnable {
    static final int EXIT_CONFIG = 2;
    static final int EXIT_START = 1;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    public static void main(String[] args) {
        // Leak tracking samples buffers on the query path; tests turn it on (paranoid), production off.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        int code = commandLine().execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The configured command line, for {@link #main} and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    /**
     * Reports a command's configuration problems on its error stream, with where its help is, and
     * returns {@link #EXIT_CONFIG}.
     */
    static int invalidConfig(CommandSpec command, InvalidConfigException e) {
        command.commandLine().getErr().println(command.qualifiedName() + ": " + e.getMessage());
        command.commandLine().getErr().println("See '" + command.qualifiedName() + " --help'.");
        return EXIT_CONFIG;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command, e.g. 'mesh-dns serve --help'");
    }
}
