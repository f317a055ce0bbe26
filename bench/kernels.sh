#!/usr/bin/env bash
# JMH benchmarks of the kernels (ebm-bench): the W2 conv net's Langevin step and parameter gradient on one thread,
# and the driver's aggregation against d. Prints JMH's table (ms/op).
#   bench/kernels.sh [JMH regex, e.g. ConvEnergyBench] [JMH options; default -wi 3 -w 2s -i 5 -r 3s]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/submit/common.sh"
(cd "$here" && mvn -q -B install -DskipTests -pl ebm-bench -am)
(cd "$here/ebm-bench" && mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime)
cp="$here/ebm-bench/target/classes:$here/ebm-core/target/classes:$(cat "$here/ebm-bench/target/classpath.txt")"
filter="${1:-.}"
shift || true
# JMH options: the defaults below unless some are given
if [ $# -eq 0 ]; then set -- -wi 3 -w 2s -i 5 -r 3s; fi
java -cp "$cp" org.openjdk.jmh.Main "$filter" -f 1 -t 1 -jvmArgsAppend "-Xmx4g $SPARKEBM_JVM_FLAGS" "$@"
