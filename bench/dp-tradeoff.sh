#!/usr/bin/env bash
# Privacy trade-off: learned mode weights against ε for a few noise multipliers σ (local engine, device-side noise).
#   bench/dp-tradeoff.sh quickstart [outdir] [parallel]   64 devices, Poisson q = 0.25, C = 1, 300 rounds (PCD)
#   bench/dp-tradeoff.sh gmm50 [outdir] [parallel]        W1: 16 devices, all every round, C = 1.5, 8000 rounds (Jarzynski)
# → docs/results/privacy-<workload>.md and .png
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
workload="${1:-quickstart}"
out="${2:-$here/runs/dp-$workload}"
par="${3:-2}"
source "$here/submit/common.sh"
sparkebm_build_if_needed
mkdir -p "$out"
# the modules' own classes first, so a later `mvn install` of ebm-core cannot change a running sweep
cp="$(sparkebm_classpath)"
sparkebm_build_module ebm-experiments
xcp="$(sparkebm_classpath ebm-experiments)"
case "$workload" in
  quickstart)
    conf="$here/conf/quickstart-pcd.properties"
    common="devices.count=64 devices.fraction=0.25 devices.sampling=poisson train.chains=64 sampler.steps=10"
    runs=("base privacy.clip=0" "s0.5 privacy.clip=1 privacy.noise=0.5" "s1 privacy.clip=1 privacy.noise=1"
          "s2 privacy.clip=1 privacy.noise=2" "s4 privacy.clip=1 privacy.noise=4") ;;
  gmm50)
    conf="$here/conf/gmm50-jarzynski.properties"
    common="devices.count=16 chains.buffer=625 train.chains=625 run.logEvery=1000"
    runs=("base privacy.clip=0" "s3 privacy.clip=1.5 privacy.noise=3" "s10 privacy.clip=1.5 privacy.noise=10"
          "s30 privacy.clip=1.5 privacy.noise=30") ;;
  *) echo "dp-tradeoff.sh: unknown workload '$workload' (quickstart or gmm50)" >&2; exit 2 ;;
esac
common="run.engine=local run.ifExists=resume run.outputDir=$out run.logEvery=100 $common"
printf '%s\n' "${runs[@]}" |
  xargs -P "$par" -I{} bash -c 'set -- {}; name=$1; shift
    java -Xmx3g '"$SPARKEBM_JVM_FLAGS"' -cp "'"$cp"'" org.sparkebm.spark.cli.Main train "'"$conf"'" \
      '"$common"' run.name=$name "$@" > "'"$out"'/$name.log" 2>&1 && echo "done $name" || echo "FAILED $name"'
java -cp "$xcp" org.sparkebm.experiments.PrivacyReport "$workload" "$out" "$here/docs/results"
