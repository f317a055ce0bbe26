#!/usr/bin/env bash
# What spark.rddCheckpointEvery trades on the Spark engine: one config run with several intervals, one after the
# other in this script (compare the ratios, not the absolute times), each printing rounds/s, the mean time outside
# the device steps and the bytes the RDD checkpoints wrote per cut. A short interval writes every device's chains
# more often; a long one makes every task carry (serialise, ship, deserialise) a longer lineage, and an executor
# loss recompute more rounds. The engine cuts the lineage itself past 78 rounds (52 with global resampling).
#   bench/lineage.sh [config] [rounds] [intervals...] [-- key=value ...]
# Default: the W1 Jarzynski config with 4 devices, 600 rounds, intervals 5 10 20 40 78.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
conf="${1:-$here/conf/gmm50-jarzynski.properties}"
rounds="${2:-600}"
shift $(( $# > 2 ? 2 : $# )) || true
intervals=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do intervals+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#intervals[@]} -gt 0 ] || intervals=(5 10 20 40 78)
out="$(mktemp -d)"
"$here/submit/run-local.sh" --build-only
printf '%-10s %10s %14s %14s %12s\n' interval rounds/s "vs first" "outside s/rnd" "ckpt MB/cut"
base=""
for k in "${intervals[@]}"; do
  "$here/submit/run-local.sh" "$conf" run.outputDir="$out/runs" run.name="every-$k" run.rounds="$rounds" \
    run.logEvery=100000 checkpoint.every=100000 spark.rddCheckpointEvery="$k" devices.count=4 "$@" \
    > "$out/every-$k.log" 2>&1 || { echo "interval $k failed: see $out/every-$k.log" >&2; exit 1; }
  python3 - "$out/runs/every-$k" "$k" "$rounds" "${base:-}" <<'PY'
import csv, glob, json, os, sys
run, k, rounds, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
s = json.load(open(os.path.join(run, "summary.json")))
rows = list(csv.DictReader(open(os.path.join(run, "metrics.csv"))))[1:]
outside = sum(float(r["outside_seconds"]) for r in rows) / len(rows)
rps = s["rounds"] / s["seconds"]
files = glob.glob(os.path.join(run, "spark-checkpoints", "*", "rdd-*", "part-*"))
cuts = len({os.path.dirname(f) for f in files})
mb = sum(os.path.getsize(f) for f in files) / max(1, cuts) / 1e6 if files else float("nan")
ratio = "1.00" if not base else "%.2f" % (rps / float(base))
print("%-10d %10.2f %14s %14.4f %12.2f" % (k, rps, ratio, outside, mb))
open(os.path.join(os.path.dirname(run), "base"), "a").write("%f\n" % rps)
PY
  [ -n "$base" ] || base="$(head -1 "$out/runs/base")"
done
echo "runs in $out"
