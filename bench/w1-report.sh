#!/usr/bin/env bash
# Writes docs/results/w1.md and docs/results/w1-p1.png from the runs of bench/w1-sweep.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../submit/common.sh"
sparkebm_build_if_needed
cp="$(sparkebm_classpath)"
sparkebm_build_module ebm-experiments
xcp="$(sparkebm_classpath ebm-experiments)"
java -cp "$xcp" org.sparkebm.experiments.W1Report "${1:-$SPARKEBM_HOME/runs/w1}" "${2:-$SPARKEBM_HOME/docs/results}"
