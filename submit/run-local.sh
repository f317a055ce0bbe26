#!/usr/bin/env bash
# Runs a config on Spark in local mode from a fresh checkout, building what it needs first.
#   submit/run-local.sh [conf/quickstart.properties] [key=value ...]
#   submit/run-local.sh --build-only          (just build what is missing)
# The master is local[*] unless the config or an override sets spark.master (e.g. spark.master=local[2]).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
if [ "${1:-}" = "--build-only" ]; then sparkebm_build_if_needed; exit 0; fi
conf="${1:-$SPARKEBM_HOME/conf/quickstart.properties}"
[ $# -gt 0 ] && shift
sparkebm_build_if_needed
exec java ${SPARKEBM_JAVA_OPTS:--Xmx6g} $SPARKEBM_JVM_FLAGS -Dsparkebm.gitRevision="$SPARKEBM_GIT" \
  -Dlog4j2.level=warn -cp "$(sparkebm_classpath)" org.sparkebm.spark.cli.Main train "$conf" "$@"
