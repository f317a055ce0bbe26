#!/usr/bin/env bash
# Where a round's time goes outside the device steps, from Spark's own event log: runs a config (default the
# PCD quickstart, conf/quickstart-pcd.properties) with spark.eventLog on and prints, per range of rounds, the medians of the round's job duration, the
# time from job submission to its first task launch, from the last task's end to the job's end, the driver's gap
# between one round's job and the next (its own work: update, broadcast, RDD set-up), and the tasks' summed
# deserialisation and run times.
#   bench/round-overhead.sh [config] [key=value ...]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
conf="${1:-$here/conf/quickstart-pcd.properties}"
shift || true
out="$(mktemp -d)"
mkdir -p "$out/events"
SPARKEBM_JAVA_OPTS="${SPARKEBM_JAVA_OPTS:--Xmx6g} -Dspark.eventLog.enabled=true -Dspark.eventLog.dir=file://$out/events" \
  "$here/submit/run-local.sh" "$conf" run.outputDir="$out/run" run.name=overhead "$@" > "$out/run.log" 2>&1
python3 - "$out/events" <<'PY'
import json, os, re, statistics as st, sys
d = sys.argv[1]
jobs, tasks = {}, {}
for line in open(os.path.join(d, os.listdir(d)[0])):
    e = json.loads(line)
    ev = e["Event"]
    if ev == "SparkListenerJobStart":
        jobs[e["Job ID"]] = {"start": e["Submission Time"], "stages": e["Stage IDs"],
                             "desc": e.get("Properties", {}).get("spark.job.description", "")}
    elif ev == "SparkListenerJobEnd":
        jobs[e["Job ID"]]["end"] = e["Completion Time"]
    elif ev == "SparkListenerTaskEnd":
        ti, tm = e["Task Info"], e.get("Task Metrics", {})
        tasks.setdefault(e["Stage ID"], []).append((ti["Launch Time"], ti["Finish Time"],
            tm.get("Executor Deserialize Time", 0), tm.get("Executor Run Time", 0)))
rounds = []
for j in sorted(jobs):
    J = jobs[j]
    m = re.match(r"round (\d+): device step", J["desc"])
    ts = [t for s in J["stages"] for t in tasks.get(s, [])]
    if m and ts and "end" in J:
        rounds.append((int(m.group(1)), J, ts))
rounds.sort(key=lambda r: r[0])
rows = []
for i, (r, J, ts) in enumerate(rounds):
    gap = J["start"] - rounds[i - 1][1]["end"] if i > 0 else float("nan")
    rows.append((r, J["end"] - J["start"], min(t[0] for t in ts) - J["start"], J["end"] - max(t[1] for t in ts),
                 gap, sum(t[2] for t in ts), sum(t[3] for t in ts), len(ts)))
n = len(rows)
edges = [0, 100, 200, 300, 600, 1000, 10**9]
print("rounds    | job ms | submit->1st task | last task->job end | driver gap between jobs | task deser sum | task run sum | tasks")
print("---|---|---|---|---|---|---|---")
for a, b in zip(edges, edges[1:]):
    sel = [x for x in rows if a <= x[0] < b and x[4] == x[4]]
    if not sel:
        continue
    med = lambda k: st.median(x[k] for x in sel)
    print(f"{a}-{min(b, rows[-1][0] + 1) - 1} | {med(1):.0f} | {med(2):.0f} | {med(3):.0f} | {med(4):.0f} | {med(5):.0f} | {med(6):.0f} | {med(7):.0f}")
PY
echo "(event log and run in $out)"
