#!/usr/bin/env bash
# Submits a training run to a cluster with spark-submit.
#   submit/spark-submit.sh --master spark://host:7077 conf/fmnist-conv.properties [key=value ...]
#   submit/spark-submit.sh --master yarn --deploy-mode client conf/gmm50.properties run.outputDir=hdfs:///user/me/runs
# Options before the config file go to spark-submit (--master is required); key=value after it override the config.
# Builds the application jar (mvn -Pdist package: ND4J with natives inside, Spark and Hadoop left to the cluster)
# when it is missing, for the cluster's Spark line: sparkebm-spark_2.12 for Spark 3.5, sparkebm-spark_2.13 for
# Spark 4. Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else spark-submit on PATH.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
submit_args=()
while [ $# -gt 0 ] && [[ "$1" == --* ]]; do
  submit_args+=("$1" "$2"); shift 2
done
[ $# -ge 1 ] || { echo "usage: $0 --master URL [spark-submit options] <config.properties> [key=value ...]" >&2; exit 2; }
printf '%s\n' "${submit_args[@]:-}" | grep -qx -- '--master' || { echo "$0: --master is required (spark://..., yarn, k8s://...)" >&2; exit 2; }
conf="$1"; shift
if [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-submit" ]; then
  submit=("$SPARK_HOME/bin/spark-submit")
elif [ -n "${SPARK_HOME:-}" ] && [ -d "$SPARK_HOME/jars" ]; then
  # A SPARK_HOME made of Maven jars only (submit/spark-home, built by mvn -Pslow): run SparkSubmit directly.
  submit=(java $SPARK_JAVA17_FLAGS -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit)
else
  submit=(spark-submit)
fi
# The cluster's Spark chooses the jar: its spark-core jar (SPARK_HOME) or what `spark-submit --version` prints.
core="$(ls "${SPARK_HOME:-/nonexistent}"/jars/spark-core_2.1[23]-*.jar 2>/dev/null | head -n 1 || true)"
if [ -n "$core" ]; then
  version="$(basename "$core" .jar)"; version="${version#spark-core_2.1?-}"; scala="$(basename "$core" | cut -c12-15)"
else
  banner="$("${submit[@]}" --version 2>&1 || true)"
  version="$(sed -n 's/.*version \([0-9][0-9.]*\)$/\1/p' <<<"$banner" | head -n 1)"
  scala="$(sed -n 's/.*Scala version \(2\.1[0-9]\).*/\1/p' <<<"$banner" | head -n 1)"
fi
case "$version/$scala" in
  3.5.*/2.12) SPARKEBM_SPARK=3.5 ;;
  4.*/2.13)   SPARKEBM_SPARK=4 ;;
  *) echo "$0: the cluster's Spark is ${version:-unknown} on Scala ${scala:-unknown}; SparkEBM is built for Spark 3.5 on Scala 2.12 and Spark 4 on Scala 2.13" >&2; exit 2 ;;
esac
sparkebm_line
export SPARK_SCALA_VERSION="$SPARKEBM_SCALA"   # read by Spark's launcher where SPARK_HOME has jars only
jar="$SPARKEBM_HOME/ebm-spark/target/sparkebm-spark_$SPARKEBM_SCALA-0.1.0-SNAPSHOT-app.jar"
if [ ! -f "$jar" ] || [ "$(sparkebm_built_scala)" != "$SPARKEBM_SCALA" ]; then
  echo "sparkebm: building the application jar for Spark $SPARKEBM_SPARK_NAME (mvn -Pdist,$SPARKEBM_PROFILE package) ..." >&2
  sparkebm_mvn -Pdist package -DskipTests
fi
exec "${submit[@]}" "${submit_args[@]}" \
  --class org.sparkebm.spark.cli.Main \
  --conf "spark.driver.extraJavaOptions=$SPARKEBM_JVM_FLAGS -Dsparkebm.gitRevision=$SPARKEBM_GIT" \
  --conf "spark.executor.extraJavaOptions=$SPARKEBM_JVM_FLAGS" \
  --conf spark.executorEnv.OMP_NUM_THREADS=1 \
  --files "$conf" \
  "$jar" train "$conf" "$@"
