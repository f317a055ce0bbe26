package org.sparkebm.spark.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparkebm.core.config.ConfigException;

/**
 * A command's arguments: positional ones, then {@code key=value} options from a fixed set with defaults.
 * Unknown options, missing positionals and malformed numbers are refused naming the option.
 */
final class CommandArgs {
    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();

    /**
     * @param defaults every allowed option with its default (null: no default, optional)
     */
    CommandArgs(String usage, String[] args, int positionals, Map<String, String> defaults) {
        options.putAll(defaults);
        Set<String> allowed = defaults.keySet();
        for (String a : args) {
            int i = a.indexOf('=');
            if (i > 0 && positional.size() >= positionals) {
                String k = a.substring(0, i);
                if (!allowed.contains(k)) {
                    throw new ConfigException("unknown option " + k + " (allowed: " + allowed + ")\n" + usage);
                }
                options.put(k, a.substring(i + 1));
            } else {
                positional.add(a);
            }
        }
        if (positional.size() != positionals) {
            throw new ConfigException("expected " + positionals + " arguments before the options, got "
                    + positional.size() + "\n" + usage);
        }
    }

    String arg(int i) {
        return positional.get(i);
    }

    String get(String key) {
        return options.get(key);
    }

    int integer(String key, int min) {
        try {
            int v = Integer.parseInt(options.get(key));
            if (v < min) {
                throw new ConfigException(key + " = " + v + ": must be >= " + min);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " = " + options.get(key) + ": not an integer");
        }
    }

    double number(String key) {
        try {
            return Double.parseDouble(options.get(key));
        } catch (NumberFormatException | NullPointerException e) {
            throw new ConfigException(key + " = " + options.get(key) + ": not a number");
        }
    }

    String choice(String key, String... allowed) {
        String v = options.get(key);
        if (!List.of(allowed).contains(v)) {
            throw new ConfigException(key + " = " + v + ": one of " + List.of(allowed));
        }
        return v;
    }
}
