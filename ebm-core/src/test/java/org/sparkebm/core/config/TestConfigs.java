package org.sparkebm.core.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds validated configs for tests: a base map of keys plus {@code key=value} overrides. */
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
}
