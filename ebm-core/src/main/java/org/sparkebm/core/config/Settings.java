package org.sparkebm.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Raw key/value settings with typed, range-checked accessors whose errors name the source and the key.
 * Values come from a {@code .properties} file, overridden by {@code key=value} arguments.
 */
public final class Settings {
    private final Map<String, String> values;
    private final Map<String, String> sources;

    private Settings(Map<String, String> values, Map<String, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    /** Reads a properties file then applies overrides; unknown keys are an error. */
    public static Settings load(Path file, List<String> overrides) {
        Map<String, String> v = new LinkedHashMap<>();
        Map<String, String> s = new LinkedHashMap<>();
        if (file != null) {
            if (Files.isDirectory(file)) {
                throw new ConfigException(file + ": is a directory, not a config file (a .properties file, e.g."
                        + " conf/quickstart.properties)");
            }
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(file + ": config file not found");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new ConfigException(file + ": not a text config file (it is not UTF-8 text; a config is a"
                        + " .properties file of key = value lines)");
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(file + ": cannot read config (" + e.getMessage() + ")");
            }
            for (String k : new TreeMap<>(p.stringPropertyNames().stream()
                    .collect(Collectors.toMap(x -> x, x -> x))).keySet()) {
                v.put(k, p.getProperty(k).trim());
                s.put(k, file.toString());
            }
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("command line: '" + o + "' is not of the form key=value");
            }
            String k = o.substring(0, eq).trim();
            v.put(k, o.substring(eq + 1).trim());
            s.put(k, "command line");
        }
        for (String old : Keys.RENAMED.keySet()) {
            if (v.containsKey(old)) {
                System.err.println("sparkebm: " + s.get(old) + ": " + old + " is deprecated, read as "
                        + Keys.RENAMED.get(old) + " (rename it)");
                s.put(Keys.RENAMED.get(old), s.remove(old));
            }
        }
        Settings st = new Settings(Keys.canonical(v), s);
        st.rejectUnknown();
        return st;
    }

    /** Settings from a map (e.g. a checkpoint's or a model's stored config); unknown keys are an error. */
    public static Settings of(Map<String, String> map, String source) {
        Map<String, String> canonical = Keys.canonical(map);
        Map<String, String> s = new LinkedHashMap<>();
        canonical.keySet().forEach(k -> s.put(k, source));
        Settings st = new Settings(canonical, s);
        st.rejectUnknown();
        return st;
    }

    private void rejectUnknown() {
        for (String k : values.keySet()) {
            if (Keys.byName(k) == null) {
                throw new ConfigException(sources.get(k) + ": unknown key '" + k + "'" + suggestion(k)
                        + " (docs/config.md lists every key)");
            }
        }
    }

    private static String suggestion(String k) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (Key<?> key : Keys.all()) {
            int d = distance(k.toLowerCase(Locale.ROOT), key.name().toLowerCase(Locale.ROOT));
            if (d < bestD) {
                bestD = d;
                best = key.name();
            }
        }
        return bestD <= Math.max(2, k.length() / 4) ? "; did you mean '" + best + "'?" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Whether the key was given (file or command line). */
    public boolean has(Key<?> k) {
        return values.containsKey(k.name());
    }

    private String where(Key<?> k) {
        return (sources.containsKey(k.name()) ? sources.get(k.name()) : "default") + ": " + k.name();
    }

    /** The raw value or the default; error when required and absent. */
    public String string(Key<?> k) {
        String v = values.getOrDefault(k.name(), k.defaultValue());
        if (v == null) {
            throw new ConfigException("missing required key '" + k.name() + "': " + k.doc());
        }
        return v;
    }

    /** The raw value, the default, or null. */
    public String optional(Key<?> k) {
        return values.getOrDefault(k.name(), k.defaultValue());
    }

    /** Where a key's value comes from, the key and the value, for messages: {@code conf/x.properties: k = 'v'}. */
    public String named(Key<?> k) {
        return where(k) + " = '" + optional(k) + "'";
    }

    public ConfigException bad(Key<?> k, String what) {
        return new ConfigException(where(k) + " = '" + optional(k) + "': " + what + " (expected " + k.type().describe() + ")");
    }

    /**
     * The key's value (given, or its default) read and checked by the key's type.
     *
     * @throws ConfigException naming the source and the key: required and absent, or not a valid value
     */
    public <T> T get(Key<T> k) {
        String raw = string(k).trim();
        try {
            return k.type().parse(raw);
        } catch (IllegalArgumentException e) {
            throw bad(k, e.getMessage());
        }
    }

    /** The key's value read and checked by its type, or null when neither given nor defaulted, or blank. */
    public <T> T optionalValue(Key<T> k) {
        String raw = optional(k);
        return raw == null || raw.isBlank() ? null : get(k);
    }

    /** Every key with its resolved value (defaults filled in), sorted: what a manifest records. */
    public Map<String, String> resolved() {
        Map<String, String> out = new TreeMap<>();
        for (Key<?> k : Keys.all()) {
            String v = optional(k);
            if (v != null) {
                out.put(k.name(), v);
            }
        }
        return out;
    }
}
