#!/usr/bin/env python3
"""The study's replay protocol (AgentCgroup's trace_replay.py, re-written): hold a base of BASE MB, then follow a
resources.json trace SPEED times faster than it was recorded, growing in bytearrays of at most 64 MB with every page
touched and shrinking by dropping them; the time each growth takes is one allocation latency.

usage: replay.py TRACE SPEED BASE_MB OUT CGROUP_PROCS_FILE...   (joins the cgroups, writes OUT.ready once its base is
held, starts when the file 'go' appears beside OUT, writes {"lat": [seconds...], "took": seconds} to OUT)"""
import json, os, re, sys, time

UNITS = {'B': 1, 'kB': 1e3, 'KB': 1e3, 'KiB': 1024, 'MB': 1e6, 'MiB': 2**20, 'GB': 1e9, 'GiB': 2**30}


def samples(path):
    out = []
    for s in json.load(open(path))['samples']:
        m = re.match(r'\s*([\d.]+)\s*([A-Za-z]+)', str(s.get('mem_usage', '')).split('/')[0])
        if m and m.group(2) in UNITS and 'epoch' in s:
            out.append((s['epoch'], float(m.group(1)) * UNITS[m.group(2)]))
    return out


def touched(size):
    b = bytearray(size)
    for j in range(0, size, 4096):
        b[j] = 1
    return b


def main():
    path, speed, base_mb, out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    for procs in sys.argv[5:]:
        with open(procs, 'w') as f:
            f.write(str(os.getpid()))
    trace = samples(path)
    base = touched(int(base_mb * 2**20))
    open(out + '.ready', 'w').close()
    while not os.path.exists(os.path.join(os.path.dirname(out), 'go')):
        time.sleep(0.001)
    held, latencies, t0, s0 = [], [], time.time(), trace[0][0]
    for epoch, target in trace:
        wait = (epoch - s0) / speed - (time.time() - t0)
        if wait > 0:
            time.sleep(wait)
        current = sum(len(b) for b in held)
        if target > current:
            started, left = time.perf_counter(), int(target - current)
            while left > 0:
                held.append(touched(min(64 << 20, left)))
                left -= 64 << 20
            latencies.append(time.perf_counter() - started)
        else:
            while held and sum(len(b) for b in held) > target:
                held.pop()
    json.dump({'lat': latencies, 'took': time.time() - t0, 'base': len(base)}, open(out, 'w'))


if __name__ == '__main__':
    main()
