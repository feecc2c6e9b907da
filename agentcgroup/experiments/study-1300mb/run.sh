#!/bin/bash
# The study's 1,300 MB scenario on this host's real kernel (cgroup v1 memory, cpu and freezer; root):
# dask#11628 high priority, github3.py#673 twice low, each a replay.py with a 100 MB base at 100x speed, all three
# under one memory cgroup limited to CAP MB. Arms, RUNS runs each, interleaved:
#   none     - equal CPU shares, no policy (the study's baseline)
#   weights  - our sessions' CPU weights (high 150, low 50 as cpu.shares 1536/512)
#   freeze   - equal shares, the low groups frozen while the high group's memory grows (guard.py)
# Prints the high tenant's P95 allocation latency per run, then mean and standard deviation per arm, and how often the
# memory limit was hit (memory.failcnt).
# usage: run.sh [RUNS=8] [CAP_MB=1300] [SPEED=100]
set -euo pipefail
RUNS=${1:-8}; CAP=${2:-1300}; SPEED=${3:-100}
HERE="$(cd "$(dirname "$0")" && pwd)"
TRACES="$HERE/../../testdata/agentcgroup-traces/paper-scenario"
M=/sys/fs/cgroup/memory/keelson-study; C=/sys/fs/cgroup/cpu/keelson-study; F=/sys/fs/cgroup/freezer/keelson-study
for need in /sys/fs/cgroup/memory /sys/fs/cgroup/cpu /sys/fs/cgroup/freezer; do
  [ -w "$need" ] || { echo "skipped: $need is not a writable cgroup v1 hierarchy (needs root and cgroup v1 memory, cpu, freezer)"; exit 0; }
done
command -v python3 >/dev/null || { echo "skipped: python3 is not installed"; exit 0; }
OUT=$(mktemp -d)
cleanup() { for g in $M $C $F; do for t in high low1 low2; do rmdir $g/$t 2>/dev/null || true; done; rmdir $g 2>/dev/null || true; done; rm -rf "$OUT"; }
trap cleanup EXIT
one() { # arm run
  local D=$OUT/$1-$2; mkdir -p $D
  for g in $M $C $F; do mkdir -p $g; for t in high low1 low2; do mkdir -p $g/$t; done; done
  echo $((CAP * 1000000)) > $M/memory.limit_in_bytes; echo 0 > $M/memory.failcnt
  local shares=(1024 1024 1024); [ $1 = weights ] && shares=(1536 512 512)
  local i=0; for t in high low1 low2; do echo ${shares[$i]} > $C/$t/cpu.shares; i=$((i + 1)); done
  python3 $HERE/replay.py $TRACES/dask__dask-11628/resources.json $SPEED 100 $D/high $M/high/cgroup.procs $C/high/cgroup.procs $F/high/cgroup.procs &
  for low in low1 low2; do
    python3 $HERE/replay.py $TRACES/sigmavirus24__github3.py-673/resources.json $SPEED 100 $D/$low $M/$low/cgroup.procs $C/$low/cgroup.procs $F/$low/cgroup.procs &
  done
  until [ -e $D/high.ready ] && [ -e $D/low1.ready ] && [ -e $D/low2.ready ]; do sleep 0.01; done
  [ $1 = freeze ] && python3 $HERE/guard.py $M $F $D/high >/dev/null &
  touch $D/go; wait
  echo "$1 $(cat $M/memory.failcnt) $(python3 -c "import json,math; l=sorted(json.load(open('$D/high'))['lat']); print(l[math.ceil(0.95*len(l))-1]*1000)")" >> $OUT/results
}
for r in $(seq 1 $RUNS); do for arm in $(printf "none\nweights\nfreeze\n" | shuf --random-source=<(yes $r)); do one $arm $r; done; done
python3 - $OUT/results $CAP $SPEED <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
print(f"high tenant's P95 allocation latency, {sys.argv[2]} MB, {sys.argv[3]}x replay ({len(rows)} runs):")
for arm in ('none', 'weights', 'freeze'):
    p = [float(r[2]) for r in rows if r[0] == arm]
    hits = sum(int(r[1]) for r in rows if r[0] == arm)
    print(f"  {arm:8s} mean {statistics.mean(p):5.1f} ms  sd {statistics.stdev(p):4.1f}  runs {' '.join(f'{x:.1f}' for x in p)}  limit hits {hits}")
PY
