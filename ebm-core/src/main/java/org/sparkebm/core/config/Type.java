package org.sparkebm.core.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What a key's value is: how it reads and what it accepts, with the one-line description the docs print. A key
 * declares its type once ({@link Keys}); {@link Settings#get} reads and checks every value through it.
 *
 * @param <T> the value's Java type
 */
public final class Type<T> {
    private final String describe;
    private final Function<String, T> parse;

    /**
     * @param parse reads a raw (trimmed, non-null) value; throws {@link IllegalArgumentException} whose message says
     *              what is wrong with it
     */
    Type(String describe, Function<String, T> parse) {
        this.describe = describe;
        this.parse = parse;
    }

    /** E.g. {@code int >= 1}, {@code double in (0, 1]}, {@code pcd | cd | jarzynski}. */
    public String describe() {
        return describe;
    }

    T parse(String raw) {
        return parse.apply(raw);
    }

    private static IllegalArgumentException bad(String what) {
        return new IllegalArgumentException(what);
    }

    /** Any text. */
    static Type<String> text(String describe) {
        return new Type<>(describe, s -> s);
    }

    /** Text matching {@code regex} ({@code allowed} says what is allowed). */
    static Type<String> matching(String regex, String allowed) {
        return new Type<>("string " + regex, s -> {
            if (!s.matches(regex)) {
                throw bad(allowed);
            }
            return s;
        });
    }

    static Type<Long> longs() {
        return new Type<>("long", s -> {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw bad("not an integer");
            }
        });
    }

    static Type<Integer> intAtLeast(int min) {
        return new Type<>("int >= " + min, s -> {
            long v;
            try {
                v = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw bad("not an integer");
            }
            if (v < min || v > Integer.MAX_VALUE) {
                throw bad(v > Integer.MAX_VALUE ? "too large (at most " + Integer.MAX_VALUE + ")" : "must be >= " + min);
            }
            return (int) v;
        });
    }

    /** A double; {@code inf}, {@code -inf} are allowed, NaN is not. */
    static Type<Double> doubles() {
        return new Type<>("double", Type::parseDouble);
    }

    /** A double above (or at least, when {@code open} is false) {@code lo}. */
    static Type<Double> above(double lo, boolean open) {
        return new Type<>("double " + (open ? "> " : ">= ") + num(lo),
                s -> checked(parseDouble(s), lo, open, Double.POSITIVE_INFINITY, true));
    }

    /** A double above {@code lo}, infinity included (a bound that may be switched off with {@code inf}). */
    static Type<Double> aboveOrInfinite(double lo) {
        return new Type<>("double > " + num(lo), s -> checked(parseDouble(s), lo, true, Double.POSITIVE_INFINITY, false));
    }

    /** A double in an interval, e.g. (0, 1]. */
    static Type<Double> in(double lo, boolean loOpen, double hi, boolean hiOpen) {
        return new Type<>("double in " + (loOpen ? "(" : "[") + num(lo) + ", " + num(hi) + (hiOpen ? ")" : "]"),
                s -> checked(parseDouble(s), lo, loOpen, hi, hiOpen));
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static double checked(double v, double lo, boolean loOpen, double hi, boolean hiOpen) {
        boolean ok = (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
        if (!ok) {
            throw bad("out of range " + (loOpen ? "(" : "[") + lo + ", " + hi + (hiOpen ? ")" : "]"));
        }
        return v;
    }

    private static double parseDouble(String raw) {
        String s = raw.toLowerCase(Locale.ROOT);
        switch (s) {
            case "inf", "+inf", "infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                double d;
                try {
                    d = Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw bad("not a number");
                }
                if (Double.isNaN(d)) {
                    throw bad("NaN is not a value");
                }
                return d;
            }
        }
    }

    static Type<Boolean> bool() {
        return new Type<>("boolean", raw -> {
            String s = raw.toLowerCase(Locale.ROOT);
            if (s.equals("true") || s.equals("false")) {
                return Boolean.parseBoolean(s);
            }
            throw bad("not a boolean");
        });
    }

    /** A choice's name in a config file: its enum constant in lower case, '_' written '-' ({@code TWO_MODES}: two-modes). */
    public static String configName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** One constant of {@code choices}, by its config name (case-insensitive). */
    static <E extends Enum<E>> Type<E> choice(Class<E> choices) {
        E[] all = choices.getEnumConstants();
        String names = String.join(" | ", Arrays.stream(all).map(Type::configName).toList());
        return new Type<>(names, raw -> {
            String s = raw.toLowerCase(Locale.ROOT);
            for (E e : all) {
                if (configName(e).equals(s)) {
                    return e;
                }
            }
            throw bad("must be one of " + names.replace(" | ", ", "));
        });
    }

    /** Comma-separated ints, each at least {@code min}. */
    static Type<int[]> ints(int min, String describe) {
        return new Type<>(describe, s -> {
            int[] v;
            try {
                v = Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                throw bad("not a comma-separated list of integers");
            }
            for (int x : v) {
                if (x < min) {
                    throw bad("values must be >= " + min);
                }
            }
            return v;
        });
    }

    /** Comma-separated doubles, each above 0 when {@code positive}. */
    static Type<double[]> doubleList(boolean positive) {
        return new Type<>("list of doubles", s -> {
            double[] v;
            try {
                v = Arrays.stream(s.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
            } catch (NumberFormatException e) {
                throw bad("not a comma-separated list of numbers");
            }
            for (double x : v) {
                if (positive && !(x > 0)) {
                    throw bad("weights must be positive");
                }
            }
            return v;
        });
    }

    /** Points {@code x,y;x,y}: numbers, all of one dimension. */
    static Type<double[][]> points() {
        return new Type<>("list of points 'x,y;x,y'", s -> {
            String[] pts = s.split(";");
            double[][] out = new double[pts.length][];
            for (int i = 0; i < pts.length; i++) {
                try {
                    out[i] = Arrays.stream(pts[i].split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
                } catch (NumberFormatException e) {
                    throw bad("point " + (i + 1) + " is not numbers");
                }
                if (out[i].length != out[0].length) {
                    throw bad("points differ in dimension");
                }
            }
            return out;
        });
    }

    /** Comma-separated names, none empty, none repeated. */
    static Type<List<String>> names() {
        return new Type<>("list of column names", s -> {
            List<String> v = new ArrayList<>(Arrays.stream(s.split(",")).map(String::trim).toList());
            if (v.contains("") || new HashSet<>(v).size() != v.size()) {
                throw bad("empty or repeated column name");
            }
            return List.copyOf(v);
        });
    }

    /** Comma-separated items, each read by {@code item} (whose exception message names the item). */
    static <T> Type<List<T>> list(String describe, Function<String, T> item) {
        return new Type<>(describe, s -> {
            List<T> out = new ArrayList<>();
            for (String part : s.split(",")) {
                out.add(item.apply(part.trim()));
            }
            return List.copyOf(out);
        });
    }
}
