package org.sparkebm.core.config;

/** Generates {@code docs/config.md} from {@link Keys}: {@code ConfigDocs > docs/config.md}. */
public final class ConfigDocs {
    private ConfigDocs() {}

    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Configuration keys\n\n")
                .append("Generated from `org.sparkebm.core.config.Keys` (a test keeps this file in step). A run is one\n")
                .append("`.properties` file under `conf/`; any key can be overridden on the command line as `key=value`.\n")
                .append("Unknown keys and out-of-range values are errors, reported before Spark starts.\n\n")
                .append("| key | type | default | meaning |\n|---|---|---|---|\n");
        for (Key<?> k : Keys.all()) {
            sb.append("| `").append(k.name()).append("` | ").append(k.type().describe().replace("|", "\\|")).append(" | ")
                    .append(k.defaultValue() == null ? "—" : "`" + k.defaultValue() + "`").append(" | ")
                    .append(k.doc().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
