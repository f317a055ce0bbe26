#!/usr/bin/env bash
# Scale of a round against the number of devices P and the model size d, for both aggregations (spark.aggregation
# = collect: every message to the driver; reduce-scatter: slices summed on the executors, d floats to the driver).
# The workload: the PCD 2-D config (conf/quickstart-pcd.properties) with an MLP energy of 1024x1024 hidden units
# (d = 1,053,697), 16 rows, batch 4, 4 chains, 1 Langevin step per device, no error feedback, 6 rounds on
# Spark local[2]; figures are means over rounds 3-6 from metrics.csv, peak RSS from /usr/bin/time (local mode:
# driver and executors share the JVM, -Xmx16g: at P = 1024 the cached device results alone are 4 GB). Cases run one
# after the other, never two at once.
#   bench/scale.sh [outdir] [quick]   → prints the tables (markdown) and writes outdir/scale.csv
# "quick" runs only P <= 128 and no d = 10^7 case.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/runs/scale}"
quick="${2:-}"
mkdir -p "$out"
"$here/submit/run-local.sh" --build-only
export SPARKEBM_JAVA_OPTS="${SPARKEBM_JAVA_OPTS:--Xmx16g}"

run() { # name P compression hidden aggregation
  local name="$1" p="$2" c="$3" hidden="$4" agg="$5"
  [ -f "$out/$name/metrics.csv" ] && return 0
  [ -f "$out/$name.failed" ] && return 0
  local comp=(compress.type=none)
  case "$c" in
    blocksign) comp=(compress.type=blocksign compress.block=256) ;;
    topk1) comp=(compress.type=topk compress.density=0.01) ;;
  esac
  echo "scale: $name" >&2
  if ! /usr/bin/time -f "%M" -o "$out/$name.rss" "$here/submit/run-local.sh" "$here/conf/quickstart-pcd.properties" \
      run.rounds=6 run.logEvery=1 spark.master='local[2]' run.outputDir="$out" run.name="$name" run.ifExists=fail \
      devices.count="$p" model.hidden="$hidden" train.batch=4 train.chains=4 chains.buffer=8 sampler.steps=1 \
      "${comp[@]}" compress.errorFeedback=false data.rows=$((16 * p)) checkpoint.every=100000 \
      spark.aggregation="$agg" > "$out/$name.log" 2>&1; then
    tail -3 "$out/$name.log" > "$out/$name.failed"
    rm -rf "${out:?}/$name"
  fi
}

ps=(4 32 128 512 1024)
[ "$quick" = quick ] && ps=(4 32 128)
for agg in reduce-scatter collect; do
  for c in none blocksign topk1; do
    for p in "${ps[@]}"; do
      # the collect aggregation is measured where it still completes (P = 256 dense fails: issue figures)
      if [ "$agg" = collect ] && [ "$p" -gt 128 ]; then continue; fi
      run "$agg-$c-p$p" "$p" "$c" 1024,1024 "$agg"
    done
  done
  run "$agg-none-p32-d1e5" 32 none 316,316 "$agg"
  [ "$quick" = quick ] || run "$agg-none-p32-d1e7" 32 none 3162,3162 "$agg"
done

python3 - "$out" <<'PY'
import csv, glob, json, os, statistics as st, sys
out = sys.argv[1]
rows = []
for m in sorted(glob.glob(os.path.join(out, "*", "metrics.csv"))):
    name = os.path.basename(os.path.dirname(m))
    r = list(csv.DictReader(open(m)))[2:]
    s = json.load(open(os.path.join(os.path.dirname(m), "summary.json")))
    man = json.load(open(os.path.join(os.path.dirname(m), "manifest.json")))
    f = lambda k: st.mean(float(x[k]) for x in r)
    rss = int(open(os.path.join(out, name + ".rss")).read().split()[-1]) * 1024
    rows.append(dict(case=name, P=int(name.split("-p")[1].split("-")[0]), params=man.get("num_params", ""),
                     round=f("round_seconds"), device=f("device_seconds"), outside=f("outside_seconds"),
                     driver_bytes=f("spark_result_bytes"), shuffle_bytes=f("spark_shuffle_bytes"),
                     encoded=f("encoded_bytes"), rss=rss))
for n in sorted(glob.glob(os.path.join(out, "*.failed"))):
    rows.append(dict(case=os.path.basename(n)[:-7], failed=open(n).read().strip().splitlines()[-1][:160]))
keys = ["case", "P", "params", "round", "device", "outside", "driver_bytes", "shuffle_bytes", "encoded", "rss", "failed"]
with open(os.path.join(out, "scale.csv"), "w", newline="") as fh:
    w = csv.DictWriter(fh, keys)
    w.writeheader()
    w.writerows(rows)
print("| case | P | round (s) | device step, longest (s) | outside (s) | share outside | into the driver / round | shuffle / round | peak RSS |")
print("|---|---|---|---|---|---|---|---|---|")
mb = lambda b: "%.1f MB" % (b / 1e6) if b < 1e9 else "%.2f GB" % (b / 1e9)
for x in sorted(rows, key=lambda x: (x["case"].split("-p")[0], x.get("P", 0), x["case"])):
    if "failed" in x and x["failed"]:
        print("| %s | | fails: %s | | | | | | |" % (x["case"], x["failed"].replace("|", "/")))
        continue
    print("| %s | %d | %.3f | %.3f | %.3f | %.0f%% | %s | %s | %.1f GB |" % (x["case"], x["P"], x["round"], x["device"],
          x["outside"], 100 * x["outside"] / x["round"], mb(x["driver_bytes"]), mb(max(0, x["shuffle_bytes"])),
          x["rss"] / 1e9))
PY
