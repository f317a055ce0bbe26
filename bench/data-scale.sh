#!/usr/bin/env bash
# Data read where it lives: trains on a set ten times the size of Fashion-MNIST's training set (600,000 images,
# the 60,000 repeated ten times into one uncompressed IDX file of 470 MB; labels likewise), 16 devices on Spark
# local[2] with the default -Xmx6g, the fmnist-mlp config for 5 rounds with a 1,000-chain buffer per device. Each
# device reads only its 37,500 rows. Prints, per checkout: exit status, seconds to the end of round 1 (loading
# included), rounds/s over rounds 2-5 and the JVM's peak RSS. Give a second checkout (e.g. a worktree of a commit
# from before per-device reads) to run it the same way, one after the other.
#   bench/data-scale.sh [outdir] [other-checkout]
# Needs dataset-fashion-mnist (apt-get install dataset-fashion-mnist).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/runs/data-scale}"
other="${2:-}"
fm=/usr/share/datasets/fashion-mnist
[ -f "$fm/train-images-idx3-ubyte.gz" ] || { echo "data-scale.sh: $fm missing: apt-get install dataset-fashion-mnist" >&2; exit 2; }
mkdir -p "$out"
if [ ! -f "$out/x10-labels-idx1-ubyte" ]; then
  python3 - "$fm" "$out" <<'PY'
import gzip, struct, sys
fm, out = sys.argv[1], sys.argv[2]
img = gzip.open(fm + "/train-images-idx3-ubyte.gz").read()
lab = gzip.open(fm + "/train-labels-idx1-ubyte.gz").read()
n = struct.unpack(">i", img[4:8])[0]
with open(out + "/x10-images-idx3-ubyte.tmp", "wb") as f:
    f.write(struct.pack(">iiii", 2051, 10 * n, 28, 28))
    for _ in range(10):
        f.write(img[16:])
with open(out + "/x10-labels-idx1-ubyte.tmp", "wb") as f:
    f.write(struct.pack(">ii", 2049, 10 * n))
    for _ in range(10):
        f.write(lab[8:])
import os
os.replace(out + "/x10-images-idx3-ubyte.tmp", out + "/x10-images-idx3-ubyte")
os.replace(out + "/x10-labels-idx1-ubyte.tmp", out + "/x10-labels-idx1-ubyte")
PY
fi
run() { # tree name
  local tree="$1" name="$2"
  rm -rf "${out:?}/$name"
  local status=0
  /usr/bin/time -f "%M %e" -o "$out/$name.time" "$tree/submit/run-local.sh" "$tree/conf/fmnist-mlp.properties" \
    run.rounds=5 run.logEvery=1 spark.master='local[2]' run.outputDir="$out" run.name="$name" devices.count=16 \
    data.path="$out/x10-images-idx3-ubyte" chains.buffer=1000 checkpoint.every=100000 > "$out/$name.log" 2>&1 || status=$?
  python3 - "$out" "$name" "$status" <<'PY'
import csv, os, sys
out, name, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
rss, secs = open(os.path.join(out, name + ".time")).read().split()[-2:]
m = os.path.join(out, name, "metrics.csv")
if status == 0 and os.path.exists(m):
    r = list(csv.DictReader(open(m)))
    first = float(r[0]["round_seconds"])
    rate = len(r[1:]) / sum(float(x["round_seconds"]) for x in r[1:])
    print("| %s | 0 | %.1f | %.2f | %.1f GB | %s s |" % (name, first, rate, int(rss) / 1e6, secs))
else:
    last = [l for l in open(os.path.join(out, name + ".log")) if l.startswith("sparkebm")][-1:] or ["?"]
    print("| %s | %d (%s) | | | %.1f GB | %s s |" % (name, status, last[0].strip()[:120].replace("|", "/"), int(rss) / 1e6, secs))
PY
}
echo "| checkout | exit | first round incl. loading (s) | rounds/s, rounds 2-5 | peak RSS | wall |"
echo "|---|---|---|---|---|---|"
run "$here" this
[ -n "$other" ] && run "$other" other
exit 0
