#!/usr/bin/env bash
# Where the W2 Langevin step's oneDNN time goes, per conv kernel choice: runs 20 steps (64 images, one thread) with
# ONEDNN_VERBOSE=1 and sums oneDNN's own per-primitive times into convolutions and layout reorders, per step.
#   bench/onednn-verbose.sh [steps]
# (The per-primitive timing itself slows the run: compare the shares, not the wall time with other benchmarks.)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/submit/common.sh"
steps="${1:-20}"
(cd "$here" && mvn -q -B install -DskipTests -pl ebm-bench -am)
(cd "$here/ebm-bench" && mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime)
cp="$here/ebm-bench/target/classes:$here/ebm-core/target/classes:$(cat "$here/ebm-bench/target/classpath.txt")"
for kernels in LIBND4J AUTO; do
  ONEDNN_VERBOSE=1 DNNL_VERBOSE=1 java -Xmx4g $SPARKEBM_JVM_FLAGS -cp "$cp" org.sparkebm.bench.OneDnnSteps "$kernels" "$steps" 2>/dev/null \
    | python3 -c '
import sys, collections
kernels, steps = sys.argv[1], None
sums = collections.Counter()
wall = None
for line in sys.stdin:
    if line.startswith("sparkebm-measured-steps"):
        steps = int(line.split()[1]); sums.clear(); continue
    if line.startswith("sparkebm-wall-ms-per-step"):
        wall = float(line.split()[1]); continue
    if steps is None or ",exec," not in line:
        continue
    f = line.strip().split(",")
    i = f.index("exec")
    prim, prop = f[i + 2], f[i + 4]
    sums[prim + (" " + prop if prim != "reorder" else "")] += float(f[-1])
total = sum(sums.values())
print(f"{kernels}: oneDNN time {total / steps:.1f} ms per step (wall {wall} ms with verbose timing on)")
for k, v in sums.most_common():
    print(f"  {k:40s} {v / steps:6.2f} ms  {100 * v / total:5.1f}%")
' "$kernels"
done
