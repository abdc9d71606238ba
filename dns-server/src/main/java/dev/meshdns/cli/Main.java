package dev.meshdns.cli;

import dev.meshdns.admin.BuildInfo;
import dev.meshdns.config.InvalidConfigException;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code mesh-dns} command line: {@code serve} runs the server, {@code control-plane} the
 * reference control plane. Exit codes of both: 0 after a clean stop, 2 for bad flags or
 * configuration (every problem listed, and a start that fails on the configuration: an address that
 * cannot be bound, a data dir that cannot be written), 1 when the command cannot start for another
 * reason (a database that is down). Not thread-safe (one
 * invocation per instance).
 */
@Command(name = "mesh-dns", subcommands = {ServeCommand.class, ControlPlaneCommand.class, CommandLine.HelpCommand.class},
        versionProvider = Main.Version.class,
        description = "Authoritative DNS for a service mesh: stable virtual IPs for every service.")
public final class Main implements Runnable {
    static final int EXIT_CONFIG = 2;
    static final int EXIT_START = 1;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
    private boolean version;

    public static void main(String[] args) {
        // Leak tracking samples buffers on the query path; tests turn it on (paranoid), production off.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        // Netty's allocator events for Java Flight Recorder load some 100 JFR classes at the first buffer,
        // kept in metaspace for the process's life; -Dio.netty.jfr.enabled=true brings them back.
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        // Always exit: after a clean stop some library thread may still be winding down.
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for {@link #main} and tests. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The command line with {@code env} as the environment {@code serve} reads {@code MESHDNS_*} from. */
    static CommandLine commandLine(Map<String, String> env) {
        return new CommandLine(new Main(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == ServeCommand.class ? type.cast(new ServeCommand(env))
                        : CommandLine.defaultFactory().create(type);
            }
        });
    }

    /**
     * The settings of {@code mesh-dns serve}: its flag names without {@code --}, which are also the
     * keys of its {@code --config} file; for checking manifests and config files against them.
     */
    public static SortedSet<String> serveSettings() {
        return new TreeSet<>(Settings.names(commandLine(Map.of()).getSubcommands().get("serve").getCommandSpec())
                .keySet());
    }

    /** The environment variable of a {@link #serveSettings() setting}: {@code dns-listen} is {@code MESHDNS_DNS_LISTEN}. */
    public static String environmentVariable(String setting) {
        return Settings.variable(setting);
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

    /** {@code mesh-dns --version}: "mesh-dns 0.1.0-SNAPSHOT". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mesh-dns " + BuildInfo.version()};
        }
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command, e.g. 'mesh-dns serve --help'");
    }
}
