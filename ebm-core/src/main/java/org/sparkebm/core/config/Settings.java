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
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(file + ": config file not found");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(file + ": cannot read config (" + e.getMessage() + ")");
            }
            for (String k : new TreeMap<>(p.stringPropertyNames().stream()
                    .collect(java.util.stream.Collectors.toMap(x -> x, x -> x))).keySet()) {
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
        Settings st = new Settings(v, s);
        st.rejectUnknown();
        return st;
    }

    /** Settings from a map (e.g. a checkpoint's or a model's stored config); unknown keys are an error. */
    public static Settings of(Map<String, String> map, String source) {
        Map<String, String> s = new LinkedHashMap<>();
        map.keySet().forEach(k -> s.put(k, source));
        Settings st = new Settings(new LinkedHashMap<>(map), s);
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
        for (Key key : Keys.all()) {
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
    public boolean has(Key k) {
        return values.containsKey(k.name());
    }

    private String where(Key k) {
        return (sources.containsKey(k.name()) ? sources.get(k.name()) : "default") + ": " + k.name();
    }

    /** The raw value or the default; error when required and absent. */
    public String string(Key k) {
        String v = values.getOrDefault(k.name(), k.defaultValue());
        if (v == null) {
            throw new ConfigException("missing required key '" + k.name() + "': " + k.doc());
        }
        return v;
    }

    /** The raw value, the default, or null. */
    public String optional(Key k) {
        return values.getOrDefault(k.name(), k.defaultValue());
    }

    public ConfigException bad(Key k, String what) {
        return new ConfigException(where(k) + " = '" + optional(k) + "': " + what + " (expected " + k.type() + ")");
    }

    public long longValue(Key k) {
        try {
            return Long.parseLong(string(k));
        } catch (NumberFormatException e) {
            throw bad(k, "not an integer");
        }
    }

    public int intAtLeast(Key k, int min) {
        long v = longValue(k);
        if (v < min || v > Integer.MAX_VALUE) {
            throw bad(k, "must be >= " + min);
        }
        return (int) v;
    }

    public double doubleValue(Key k) {
        String s = string(k).toLowerCase(Locale.ROOT);
        switch (s) {
            case "inf", "+inf", "infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                try {
                    double d = Double.parseDouble(s);
                    if (Double.isNaN(d)) {
                        throw bad(k, "NaN is not a value");
                    }
                    return d;
                } catch (NumberFormatException e) {
                    throw bad(k, "not a number");
                }
            }
        }
    }

    /** A double in the interval (lo, hi] or [lo, hi] etc. */
    public double doubleIn(Key k, double lo, boolean loOpen, double hi, boolean hiOpen) {
        double v = doubleValue(k);
        boolean ok = (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
        if (!ok) {
            throw bad(k, "out of range " + (loOpen ? "(" : "[") + lo + ", " + hi + (hiOpen ? ")" : "]"));
        }
        return v;
    }

    public boolean bool(Key k) {
        String s = string(k).toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw bad(k, "not a boolean");
    }

    /** One of the given choices (case-insensitive), returned lower-case. */
    public String choice(Key k, String... choices) {
        String s = string(k).toLowerCase(Locale.ROOT);
        if (!Arrays.asList(choices).contains(s)) {
            throw bad(k, "must be one of " + String.join(", ", choices));
        }
        return s;
    }

    /** Comma-separated ints, or null when absent and without default. */
    public int[] ints(Key k) {
        String s = optional(k);
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw bad(k, "not a comma-separated list of integers");
        }
    }

    public double[] doubles(Key k) {
        try {
            return Arrays.stream(string(k).split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw bad(k, "not a comma-separated list of numbers");
        }
    }

    /** Every key with its resolved value (defaults filled in), sorted: what a manifest records. */
    public Map<String, String> resolved() {
        Map<String, String> out = new TreeMap<>();
        for (Key k : Keys.all()) {
            String v = optional(k);
            if (v != null) {
                out.put(k.name(), v);
            }
        }
        return out;
    }
}
