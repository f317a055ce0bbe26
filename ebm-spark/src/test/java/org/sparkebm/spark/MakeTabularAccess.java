package org.sparkebm.spark;

/** Test access to {@link MakeTabular#frame} from other packages. */
public final class MakeTabularAccess {
    private MakeTabularAccess() {}

    public static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame(org.apache.spark.sql.SparkSession s,
                                                                              org.sparkebm.core.data.Dataset d) {
        return MakeTabular.frame(s, d);
    }
}
