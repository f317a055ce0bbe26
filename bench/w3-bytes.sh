#!/usr/bin/env bash
# W3 `comm`: encoded bytes and the bytes Spark moved per device per round on the W2 net (d = 101,889), 3 rounds
# per compressor, Spark local[2], 4 partitions; prints the table of docs/results/w3-bytes.md.
#   bench/w3-bytes.sh [outdir]      (needs dataset-fashion-mnist)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/runs/w3}"
mkdir -p "$out"
while read -r name args; do
  [ -f "$out/$name/summary.json" ] || "$here/submit/run-local.sh" "$here/conf/fmnist-conv.properties" run.rounds=3 \
    spark.master='local[2]' run.outputDir="$out" run.name="$name" checkpoint.every=100000 $args > "$out/$name.log" 2>&1
done <<'RUNS'
none compress.type=none
topk1 compress.type=topk compress.density=0.01
topk01 compress.type=topk compress.density=0.001
blocksign256 compress.type=blocksign compress.block=256
RUNS
python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
floor = {"none": None, "topk1": 79.8, "topk01": 737, "blocksign256": 28.4}
print("| compressor | encoded bytes | dense fp32 / encoded | W3 floor | encoded / floor | Spark moved | moved / encoded |")
print("|---|---|---|---|---|---|---|")
for name in ["none", "topk1", "topk01", "blocksign256"]:
    rows = list(csv.DictReader(open(f"{out}/{name}/metrics.csv")))
    dev = sum(int(r["devices"]) for r in rows)
    enc = sum(int(r["encoded_bytes"]) for r in rows) / dev
    dense = sum(int(r["dense_bytes"]) for r in rows) / dev
    moved = sum(int(r["spark_result_bytes"]) for r in rows) / dev
    f = floor[name]
    ratio = dense / enc
    print(f"| {name} | {enc:,.0f} | {ratio:.1f}x | {'—' if f is None else f'{f}x'} | "
          f"{'—' if f is None else f'{f / ratio:.3f}'} | {moved:,.0f} | {moved / enc:.2f} |")
PY
