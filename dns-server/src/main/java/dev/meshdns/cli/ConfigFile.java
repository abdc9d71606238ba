package dev.meshdns.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Reads the {@code --config} YAML file: one mapping whose keys are the flag names without
 * {@code --} ({@code dns-listen: 0.0.0.0:5653}), a list for a repeatable flag, {@code true} or
 * {@code false} for a switch. Every problem (unknown key, a list or a mapping where one value
 * belongs) is named with the file and added to a list, never thrown. Stateless.
 */
final class ConfigFile {
    private ConfigFile() {
    }

    /** The file's settings as text; problems go to {@code problems}, and a bad key is left out. */
    static Map<String, List<String>> read(Path file, Map<String, OptionSpec> names, List<String> problems) {
        Object document;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (NoSuchFileException e) {
            problems.add("config " + file + " does not exist");
            return Map.of();
        } catch (IOException e) {
            problems.add("config " + file + " cannot be read: " + e);
            return Map.of();
        } catch (YAMLException e) {
            problems.add("config " + file + " is not valid YAML: " + e.getMessage().replace('\n', ' '));
            return Map.of();
        } catch (RuntimeException e) {
            // A tagged scalar SnakeYAML cannot build escapes unwrapped (!!binary with bad base64, !!int x).
            problems.add("config " + file + " is not valid YAML: " + e);
            return Map.of();
        } catch (StackOverflowError e) {
            // As in CatalogFile: hashing a key that holds, through an alias, its own mapping never ends.
            problems.add("config " + file
                    + " is not valid YAML: a key holds, through an alias, the collection it is in");
            return Map.of();
        }
        if (document == null) {
            return Map.of(); // an empty file sets nothing
        }
        if (!(document instanceof Map<?, ?> mapping)) {
            problems.add("config " + file + " must be a mapping of flag names to values, like dns-listen: "
                    + "0.0.0.0:5653");
            return Map.of();
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        mapping.forEach((key, value) -> {
            String name = String.valueOf(key);
            OptionSpec option = names.get(name);
            if (option == null) {
                problems.add("unknown key \"" + name + "\" in config " + file + " (the keys are the 'mesh-dns serve'"
                        + " flags without --, e.g. dns-listen)");
            } else if (value != null) {
                List<String> texts = texts(file, name, option, value, problems);
                if (texts != null) {
                    values.put(name, texts);
                }
            }
        });
        return values;
    }

    private static List<String> texts(Path file, String name, OptionSpec option, Object value,
                                      List<String> problems) {
        if (value instanceof List<?> list) {
            if (!option.isMultiValue()) {
                problems.add(name + " takes one value, not a list (in config " + file + ")");
                return null;
            }
            List<String> texts = new ArrayList<>(list.size());
            for (Object item : list) {
                if (!scalar(item)) {
                    problems.add(name + " must be a list of values (in config " + file + ", got " + item + ")");
                    return null;
                }
                texts.add(String.valueOf(item));
            }
            return texts;
        }
        if (!scalar(value)) {
            problems.add(name + " must be a value" + (option.isMultiValue() ? " or a list" : "") + " (in config "
                    + file + ", got " + value + ")");
            return null;
        }
        return List.of(String.valueOf(value));
    }

    private static boolean scalar(Object value) {
        return value instanceof String || value instanceof Number || value instanceof Boolean;
    }
}
