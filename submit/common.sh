# Shared by the submit scripts: Java 17 flags for Spark's JVMs and the project's build outputs.
# Sourced, not executed. All meaning lives in Java; these scripts only assemble flags.
SPARKEBM_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Spark's own module flags (org.apache.spark.launcher.JavaModuleOptions; the union of Spark 3.5's and 4.2's), needed
# by Spark's driver on Java 17, and the Vector API module for the conv energy's SiLU (ebm-core model.Silu; without it the same results, slower).
SPARK_JAVA17_FLAGS="-XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true -Dio.netty.allocator.type=pooled --enable-native-access=ALL-UNNAMED"
# Every JVM of the project (driver, executors, bench runs). Tried and rejected: turning JavaCPP's physical-memory
# check off (-Dorg.bytedeco.javacpp.maxPhysicalBytes=0). Every native allocation ND4J makes then skips reading
# /proc/self/statm, which made small-array workloads 1.46x faster (W1, 64 devices: 39.3 s -> 26.9 s per 100 rounds),
# but that check is also what triggers a GC when native memory grows: without it two W1 runs with -Xmx3g grew to
# 7.3 and 8.7 GB resident and slowed the whole machine.
SPARKEBM_JVM_FLAGS="$SPARK_JAVA17_FLAGS"
# OpenMP spin-waiting makes small ND4J ops 5-20x slower on few cores; Spark already runs one task per core.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
SPARKEBM_GIT="$(git -C "$SPARKEBM_HOME" rev-parse HEAD 2>/dev/null || echo unknown)"

# The Spark line the job is built for and runs on: 3.5 (Scala 2.12, the default) or 4 (Spark 4.2, Scala 2.13).
# SPARKEBM_SPARK chooses it for local runs; submit/spark-submit.sh takes it from the cluster's Spark instead.
sparkebm_line() {
  case "${SPARKEBM_SPARK:-3.5}" in
    3.5) SPARKEBM_PROFILE=spark-3.5; SPARKEBM_SCALA=2.12; SPARKEBM_SPARK_NAME="3.5 (Scala 2.12)" ;;
    4)   SPARKEBM_PROFILE=spark-4;   SPARKEBM_SCALA=2.13; SPARKEBM_SPARK_NAME="4 (Scala 2.13)" ;;
    *) echo "sparkebm: SPARKEBM_SPARK=${SPARKEBM_SPARK}: not a Spark line this project builds (3.5 or 4)" >&2; exit 2 ;;
  esac
}
sparkebm_line

# The Scala version the job's classes in target/ were built for (empty when not built).
sparkebm_built_scala() {
  sed -n 's/^scala.binary=//p' "$SPARKEBM_HOME/ebm-spark/target/classes/sparkebm-build.properties" 2>/dev/null
}

# Maven with the chosen line's profile. The modules' target/ folders hold one line's build at a time: a build for
# the other line starts with `clean`, so no class compiled against one Spark is packaged or run with the other.
sparkebm_mvn() {
  local clean=()
  local built; built="$(sparkebm_built_scala)"
  [ -n "$built" ] && [ "$built" != "$SPARKEBM_SCALA" ] && clean=(clean)
  (cd "$SPARKEBM_HOME" && mvn -q -B "${clean[@]}" "$@" -P"$SPARKEBM_PROFILE")
}

# Builds the modules (skipping tests) when the job's classes or classpath are missing, older than the sources, or
# built for the other Spark line.
sparkebm_build_if_needed() {
  local cp="$SPARKEBM_HOME/ebm-spark/target/classpath.txt"
  local stamp="$SPARKEBM_HOME/ebm-spark/target/classes/org/sparkebm/spark/cli/Main.class"
  if [ ! -f "$cp" ] || [ ! -f "$stamp" ] || [ "$(sparkebm_built_scala)" != "$SPARKEBM_SCALA" ] \
      || [ -n "$(find "$SPARKEBM_HOME/ebm-core/src/main" "$SPARKEBM_HOME/ebm-spark/src/main" "$SPARKEBM_HOME/pom.xml" -newer "$stamp" -print -quit)" ]; then
    echo "sparkebm: building for Spark $SPARKEBM_SPARK_NAME (mvn install -DskipTests -P$SPARKEBM_PROFILE) ..." >&2
    sparkebm_mvn install -DskipTests || return 1
    (cd "$SPARKEBM_HOME/ebm-spark" && mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime -P"$SPARKEBM_PROFILE") || return 1
  fi
}

# The runtime classpath of a module built by sparkebm_build_if_needed (or by a bench script): its classes, the
# project's modules it uses, and its dependencies.   sparkebm_classpath [ebm-spark|ebm-experiments|ebm-bench]
sparkebm_classpath() {
  local m="${1:-ebm-spark}"
  local cp="$SPARKEBM_HOME/$m/target/classes"
  [ "$m" = ebm-experiments ] && cp="$cp:$SPARKEBM_HOME/ebm-spark/target/classes"
  echo "$cp:$SPARKEBM_HOME/ebm-core/target/classes:$(cat "$SPARKEBM_HOME/$m/target/classpath.txt")"
}

# Builds a non-default module and its classpath file (bench scripts).   sparkebm_build_module ebm-experiments
sparkebm_build_module() {
  local m="$1"
  sparkebm_mvn install -DskipTests -pl "$m" -am || return 1
  (cd "$SPARKEBM_HOME/$m" && mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime -P"$SPARKEBM_PROFILE") || return 1
}
