package org.sparkebm.core.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds validated configs for tests: a base map of keys plus {@code key=value} overrides. Shared with the Spark
 * module's tests through ebm-core's test jar.
 */
public final class TestConfigs {
    private TestConfigs() {}

    /** {@code base} (read) with each {@code key=value} of {@code overrides} put over it, parsed and validated. */
    public static RunConfig of(Map<String, String> base, String... overrides) {
        Map<String, String> m = new LinkedHashMap<>(base);
        for (String e : overrides) {
            m.put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        }
        return RunConfig.parse(Settings.of(m, "test"));
    }

    /** {@code key=value} entries (later ones win), parsed and validated. */
    public static RunConfig of(java.util.List<String> entries) {
        return of(Map.of(), entries.toArray(new String[0]));
    }

    /** {@code defaults} then {@code overrides}, each a list of {@code key=value} entries. */
    public static RunConfig of(java.util.List<String> defaults, String... overrides) {
        java.util.List<String> all = new java.util.ArrayList<>(defaults);
        all.addAll(java.util.List.of(overrides));
        return of(all);
    }
}
