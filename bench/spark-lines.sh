#!/usr/bin/env bash
# The two Spark lines side by side in one invocation: the job built for Spark 3.5 (Scala 2.12) and for Spark 4
# (Scala 2.13), each run from its own copy of the classes, alternately, on the same configs:
#   - the quickstart (conf/quickstart.properties, local[2], its full 600 rounds): wall time and mean round time
#   - W2 (conf/fmnist-conv.properties, local[2], 4 devices, K = 20; docs/workloads.md): rounds/s, as
#     bench/w2-compare.sh measures it, and with the peer's script given, the PyTorch peer in the same run.
# Prints the figures per line and the ratio Spark 4 / Spark 3.5 (above 1 = Spark 4 slower).
#   bench/spark-lines.sh [repeats=2] [w2 rounds=6] [path/to/torch_ebm.py]
# Needs dataset-fashion-mnist (and python3-torch for the peer): apt-get install dataset-fashion-mnist python3-torch
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../submit/common.sh"
repeats="${1:-2}"
w2rounds="${2:-6}"
peer="${3:-${SPARKEBM_PEER:-}}"
out="$(mktemp -d)"
echo "== building both lines (run files in $out)"
for line in 3.5 4; do
  SPARKEBM_SPARK=$line sparkebm_line
  sparkebm_mvn install -DskipTests -pl ebm-spark -am
  (cd "$SPARKEBM_HOME/ebm-spark" && mvn -q -B dependency:build-classpath -Dmdep.outputFile="$out/cp-$line.txt" \
    -Dmdep.includeScope=runtime -P"$SPARKEBM_PROFILE")
  mkdir -p "$out/lib-$line"
  cp -r "$SPARKEBM_HOME/ebm-spark/target/classes" "$out/lib-$line/spark"
  cp -r "$SPARKEBM_HOME/ebm-core/target/classes" "$out/lib-$line/core"
done
SPARKEBM_SPARK=3.5 sparkebm_line   # leave target/ as the default line's on the next script run

run() { # line name config overrides...
  local line="$1" name="$2" conf="$3"; shift 3
  local t0; t0=$(date +%s%N)
  java -Xmx6g $SPARKEBM_JVM_FLAGS -Dlog4j2.level=warn \
    -cp "$out/lib-$line/spark:$out/lib-$line/core:$(cat "$out/cp-$line.txt")" org.sparkebm.spark.cli.Main train \
    "$SPARKEBM_HOME/conf/$conf" spark.master='local[2]' run.outputDir="$out/runs" run.name="$name" \
    checkpoint.every=100000 "$@" > "$out/$name.log" 2>&1
  echo $(( $(date +%s%N) - t0 )) > "$out/$name.wall"   # nanoseconds
}
for r in $(seq 1 "$repeats"); do
  for line in 3.5 4; do
    echo "== repeat $r, Spark $line: quickstart, then W2 ($w2rounds rounds)"
    run "$line" "qs-$line-$r" quickstart.properties
    run "$line" "w2-$line-$r" fmnist-conv.properties run.rounds="$w2rounds" run.logEvery=1
  done
done
peerjson=""
if [ -n "$peer" ]; then
  echo "== peer: $peer (W2: 4 devices, batch 64, K = 20, 2 threads, $((w2rounds - 1)) timed iterations)"
  /usr/bin/python3 "$peer" --workload fmnist --net conv --devices 4 --batch 64 --K 20 --threads 2 \
    --iters $((w2rounds - 1)) --warmup 1 | tail -n 1 > "$out/peer.json"
  peerjson="$out/peer.json"
fi
/usr/bin/python3 - "$out" "$repeats" "$peerjson" <<'PY'
import csv, json, sys, statistics as st
out, repeats, peer = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def rounds(name):  # mean seconds of a round, the first (initialisation) left out
    rows = list(csv.DictReader(open(f"{out}/runs/{name}/metrics.csv")))[1:]
    return st.mean(float(r["round_seconds"]) for r in rows)
fig = {}
for line in ("3.5", "4"):
    qs_wall = [int(open(f"{out}/qs-{line}-{r}.wall").read()) / 1e9 for r in range(1, repeats + 1)]
    qs_round = [rounds(f"qs-{line}-{r}") for r in range(1, repeats + 1)]
    w2_rps = [1 / rounds(f"w2-{line}-{r}") for r in range(1, repeats + 1)]
    fig[line] = (st.mean(qs_wall), st.mean(qs_round) * 1e3, st.mean(w2_rps))
    print(f"Spark {line:>3}: quickstart {fig[line][0]:6.1f} s wall, {fig[line][1]:6.2f} ms a round; "
          f"W2 {fig[line][2]:.3f} rounds/s   (per repeat: wall {['%.1f' % x for x in qs_wall]}, "
          f"W2 {['%.3f' % x for x in w2_rps]})")
a, b = fig["3.5"], fig["4"]
print(f"ratio Spark 4 / Spark 3.5: quickstart wall {b[0] / a[0]:.3f}, quickstart round {b[1] / a[1]:.3f}, "
      f"W2 round time {a[2] / b[2]:.3f}   (above 1 = Spark 4 slower)")
if peer:
    p = json.loads(open(peer).read())
    for line in ("3.5", "4"):
        print(f"W2 project/peer on Spark {line}: {fig[line][2] / p['iters_per_s']:.2f}x "
              f"(peer {p['iters_per_s']:.3f} rounds/s)")
PY
