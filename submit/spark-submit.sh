#!/usr/bin/env bash
# Submits a training run to a cluster with spark-submit.
#   submit/spark-submit.sh --master spark://host:7077 conf/fmnist-conv.properties [key=value ...]
#   submit/spark-submit.sh --master yarn --deploy-mode client conf/gmm50.properties run.outputDir=hdfs:///user/me/runs
# Options before the config file go to spark-submit (--master is required); key=value after it override the config.
# Builds the application jar (mvn -Pdist package: ND4J with natives inside, Spark and Hadoop left to the cluster)
# when it is missing. Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else spark-submit on PATH.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
submit_args=()
while [ $# -gt 0 ] && [[ "$1" == --* ]]; do
  submit_args+=("$1" "$2"); shift 2
done
[ $# -ge 1 ] || { echo "usage: $0 --master URL [spark-submit options] <config.properties> [key=value ...]" >&2; exit 2; }
printf '%s\n' "${submit_args[@]:-}" | grep -qx -- '--master' || { echo "$0: --master is required (spark://..., yarn, k8s://...)" >&2; exit 2; }
conf="$1"; shift
jar="$SPARKEBM_HOME/ebm-spark/target/ebm-spark-0.1.0-SNAPSHOT-app.jar"
if [ ! -f "$jar" ]; then
  echo "sparkebm: building the application jar (mvn -Pdist package) ..." >&2
  (cd "$SPARKEBM_HOME" && mvn -q -B -Pdist package -DskipTests)
fi
if [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-submit" ]; then
  submit=("$SPARK_HOME/bin/spark-submit")
elif [ -n "${SPARK_HOME:-}" ] && [ -d "$SPARK_HOME/jars" ]; then
  # A SPARK_HOME made of Maven jars only (submit/spark-home, built by mvn -Pslow): run SparkSubmit directly.
  export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.12}"
  submit=(java $SPARK_JAVA17_FLAGS -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit)
else
  submit=(spark-submit)
fi
exec "${submit[@]}" "${submit_args[@]}" \
  --class org.sparkebm.spark.cli.Main \
  --conf "spark.driver.extraJavaOptions=$SPARKEBM_JVM_FLAGS -Dsparkebm.gitRevision=$SPARKEBM_GIT" \
  --conf "spark.executor.extraJavaOptions=$SPARKEBM_JVM_FLAGS" \
  --conf spark.executorEnv.OMP_NUM_THREADS=1 \
  --files "$conf" \
  "$jar" train "$conf" "$@"
