#!/usr/bin/env bash
# W2 fmnist-conv side by side (docs/workloads.md): the PyTorch peer (2 threads) and the project
# (Spark local[2], 4 partitions) in one invocation; prints training rounds/s, Langevin image-steps/s and ratios.
#   bench/w2-compare.sh [rounds] <path/to/torch_ebm.py>      or   SPARKEBM_PEER=<path> bench/w2-compare.sh [rounds]
# The peer script (torch_ebm.py, the same training written in PyTorch for one machine) is not part of this
# repository: give its path as the second argument or in SPARKEBM_PEER (the argument wins).
# Needs python3-torch and dataset-fashion-mnist (apt-get install python3-torch dataset-fashion-mnist).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-6}"
peer="${2:-${SPARKEBM_PEER:-}}"
if [ -z "$peer" ] || [ ! -f "$peer" ]; then
  echo "w2-compare.sh: the peer script is needed: bench/w2-compare.sh [rounds] <path/to/torch_ebm.py>" \
    "(or SPARKEBM_PEER=<path>)${peer:+; not found: $peer}" >&2
  exit 2
fi
out="$(mktemp -d)"
echo "== peer: $peer (4 devices, batch 64, K = 20, 2 threads, $((rounds - 1)) timed iterations)"
/usr/bin/python3 "$peer" --workload fmnist --net conv --devices 4 --batch 64 --K 20 --threads 2 \
  --iters $((rounds - 1)) --warmup 1 | tee "$out/peer.json"
echo "== project: conf/fmnist-conv.properties, local[2], $rounds rounds (the first, with initialisation, not timed)"
"$here/submit/run-local.sh" "$here/conf/fmnist-conv.properties" run.rounds="$rounds" run.logEvery=1 \
  spark.master='local[2]' run.outputDir="$out" run.name=w2 checkpoint.every=100000 > "$out/project.log" 2>&1
/usr/bin/python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
peer = json.loads(open(out + "/peer.json").read().strip().splitlines()[-1])
rows = list(csv.DictReader(open(out + "/w2/metrics.csv")))[1:]
sec = sum(float(r["round_seconds"]) for r in rows) / len(rows)
dev = sum(float(r["device_seconds"]) for r in rows) / len(rows)
outside = sum(float(r["outside_seconds"]) for r in rows) / len(rows)
steps = 4 * 64 * 20
ours_rps, ours_isps = 1 / sec, steps / sec
print(f"peer    : {peer['iters_per_s']:.3f} rounds/s, {peer['langevin_image_steps_per_s']:.0f} image-steps/s")
print(f"project : {ours_rps:.3f} rounds/s, {ours_isps:.0f} image-steps/s "
      f"(longest device step {dev:.2f} s, outside it {outside:.2f} s = {100 * outside / sec:.1f}% of a round)")
print(f"ratio project/peer: {ours_rps / peer['iters_per_s']:.2f}x")
PY
echo "(run files in $out)"
