#!/usr/bin/env bash
# Memory: the effect of compact chain storage on a full run. Trains conf/fmnist-mlp.properties (500 rounds,
# replay buffer 10,000 per device) with chains.storage = fp32, bf16 and u8 from seed 0, and fp32 from seed 1 as the
# run-to-run yardstick, then evaluates each model with the ood command; prints one table.
#   bench/storage.sh [outdir=runs/storage]
# Needs the Debian package dataset-fashion-mnist.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-runs/storage}"
cd "$here"
mkdir -p "$out"
for run in fp32:0 bf16:0 u8:0 fp32:1; do
  st="${run%%:*}"; seed="${run##*:}"; name="mlp-$st-s$seed"
  if [ ! -f "$out/$name/summary.json" ]; then
    submit/run-local.sh conf/fmnist-mlp.properties spark.master='local[2]' run.outputDir="$out" run.name="$name" \
      run.seed="$seed" chains.storage="$st" run.ifExists=resume > "$out/$name.log" 2>&1
  fi
  [ -f "$out/$name-ood/ood.json" ] || submit/sparkebm.sh ood "$out/$name" "$out/$name-ood" master='local[2]' > "$out/$name-ood.log" 2>&1
done
python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
print("| storage | seed | chain state per device | E+ / E− (last 50 rounds) | mean energy: test / flipped / noise | AUROC flipped / noise / inverted | training s |")
print("|---|---|---|---|---|---|---|")
mb = {"fp32": 4, "bf16": 2, "u8": 1}
for run in ("fp32:0", "bf16:0", "u8:0", "fp32:1"):
    st, seed = run.split(":")
    name = f"mlp-{st}-s{seed}"
    rows = list(csv.DictReader(open(f"{out}/{name}/metrics.csv")))
    last = rows[-50:]
    ep = sum(float(r["energy_pos"]) for r in last) / len(last)
    en = sum(float(r["energy_neg"]) for r in last) / len(last)
    secs = sum(float(r["round_seconds"]) for r in rows)
    o = json.load(open(f"{out}/{name}-ood/ood.json"))
    sets = {s["set"]: s for s in o["sets"]}
    f, n, i = sets["flipped upside down"], sets["uniform noise"], sets["inverted"]
    print(f"| {st} | {seed} | {10000 * 784 * mb[st] / 1e6:.1f} MB | {ep:.4f} / {en:.4f} | "
          f"{o['in_distribution_mean_energy']:.4f} / {f['mean_energy']:.4f} / {n['mean_energy']:.4f} | "
          f"{f['auroc_energy']:.4f} / {n['auroc_energy']:.4f} / {i['auroc_energy']:.4f} | {secs:.0f} |")
PY
