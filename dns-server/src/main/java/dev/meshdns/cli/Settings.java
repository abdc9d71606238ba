package dev.meshdns.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The settings of a command as text per flag name ({@code dns-listen}), merged from its three
 * sources, each overriding the one before: the {@code --config} YAML file, {@code MESHDNS_*}
 * environment variables, the flags. The names come from the command's picocli spec, so flags,
 * config keys and variables cannot drift apart. Immutable.
 *
 * @param values     each setting's values (one, or several for a repeatable flag); unset settings
 *                   have their flag's default, or are absent when it has none
 * @param problems   unknown keys and variables, unreadable file, lists for a single value, named
 *                   with where they came from
 */
record Settings(Map<String, List<String>> values, List<String> problems) {
    /** Environment variables start with this, then the flag name in upper case with '_' for '-'. */
    static final String ENV_PREFIX = "MESHDNS_";
    /** The flag that names the config file; its variable is {@code MESHDNS_CONFIG}. */
    static final String CONFIG = "config";
    /** Options that are not settings: they say what to do, not how to serve. */
    private static final Set<String> NOT_SETTINGS = Set.of(CONFIG, "help", "version", "check-config");
    /**
     * Variables of our prefix that are not ours: Kubernetes injects {@code MESHDNS_SERVICE_HOST},
     * {@code MESHDNS_PORT_53_UDP} and the like into every pod of a namespace with a Service named
     * {@code meshdns}, and the build's tests read {@code MESHDNS_TEST_*}.
     */
    private static final List<String> FOREIGN_ENV = List.of("SERVICE_HOST", "SERVICE_PORT", "PORT", "TEST_");

    Settings {
        values = Map.copyOf(values);
        problems = List.copyOf(problems);
    }

    /** The names that may be set: every long option of {@code command} but the action flags. */
    static Map<String, OptionSpec> names(CommandSpec command) {
        Map<String, OptionSpec> names = new TreeMap<>();
        for (OptionSpec option : command.options()) {
            String name = option.longestName().replaceFirst("^--", "");
            if (!option.usageHelp() && !option.versionHelp() && !NOT_SETTINGS.contains(name)) {
                names.put(name, option);
            }
        }
        return names;
    }

    /** The variable of setting {@code name}: {@code dns-listen} is {@code MESHDNS_DNS_LISTEN}. */
    static String variable(String name) {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * The settings of the parsed {@code command}: its flags over {@code env} over the config file
     * (the {@code --config} flag, else {@code MESHDNS_CONFIG}, else none) over the flags' defaults.
     */
    static Settings merge(CommandSpec command, Map<String, String> env) {
        Map<String, OptionSpec> names = names(command);
        ParseResult flags = command.commandLine().getParseResult();
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> fromEnv = fromEnv(names, env, problems);
        String configFile = flags.hasMatchedOption("--" + CONFIG)
                ? flags.matchedOption("--" + CONFIG).stringValues().get(0)
                : env.get(variable(CONFIG));
        Map<String, List<String>> fromFile = configFile == null || configFile.isBlank() ? Map.of()
                : ConfigFile.read(Path.of(configFile.trim()), names, problems);
        Map<String, List<String>> values = new LinkedHashMap<>();
        names.forEach((name, option) -> {
            List<String> value;
            if (flags.hasMatchedOption(option)) {
                value = flagValues(flags, option);
            } else if (fromEnv.containsKey(name)) {
                value = fromEnv.get(name);
            } else if (fromFile.containsKey(name)) {
                value = fromFile.get(name);
            } else {
                value = option.defaultValue() == null ? null : List.of(option.defaultValue());
            }
            if (value != null) {
                values.put(name, List.copyOf(value));
            }
        });
        return new Settings(values, problems);
    }

    /** Whether the setting of a repeatable flag: a list in the file, comma-separated in a variable. */
    static boolean repeatable(OptionSpec option) {
        return option.isMultiValue();
    }

    /** The one value of a setting (the last, for a repeatable one); null when unset. */
    String one(String name) {
        List<String> value = values.get(name);
        return value == null || value.isEmpty() ? null : value.get(value.size() - 1);
    }

    /** A path setting; null when unset or blank. */
    Path path(String name) {
        String value = one(name);
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }

    /** Every value of a repeatable setting; null when unset (the builder then keeps its default). */
    List<String> all(String name) {
        return values.get(name);
    }

    private static List<String> flagValues(ParseResult flags, OptionSpec option) {
        if (option.arity().max() == 0) { // a switch: given means true
            return List.of(String.valueOf((Object) flags.matchedOptionValue(option.longestName(), Boolean.TRUE)));
        }
        return flags.matchedOption(option.longestName()).stringValues();
    }

    private static Map<String, List<String>> fromEnv(Map<String, OptionSpec> names, Map<String, String> env,
                                                     List<String> problems) {
        Map<String, String> byVariable = new TreeMap<>();
        names.keySet().forEach(name -> byVariable.put(variable(name), name));
        Map<String, List<String>> values = new LinkedHashMap<>();
        new TreeMap<>(env).forEach((variable, value) -> {
            if (!variable.startsWith(ENV_PREFIX) || variable.equals(variable(CONFIG)) || foreign(variable)) {
                return;
            }
            String name = byVariable.get(variable);
            if (name == null) {
                problems.add("unknown environment variable " + variable + " (the variables are " + ENV_PREFIX
                        + "<FLAG>, e.g. " + variable("dns-listen") + "; see 'mesh-dns serve --help' for the flags)");
            } else if (repeatable(names.get(name))) {
                values.put(name, Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList());
            } else {
                values.put(name, List.of(value));
            }
        });
        return values;
    }

    private static boolean foreign(String variable) {
        String rest = variable.substring(ENV_PREFIX.length());
        return FOREIGN_ENV.stream().anyMatch(prefix -> rest.equals(prefix) || rest.startsWith(prefix)
                && (prefix.endsWith("_") || rest.startsWith(prefix + "_")));
    }
}
