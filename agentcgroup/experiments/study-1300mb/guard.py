#!/usr/bin/env python3
"""The study's mechanism without BPF: while the high-priority group's memory grows, freeze the low-priority groups
(v1 freezer); thaw them 20 ms after it stops growing. Polls every millisecond until the file STOP appears.

usage: guard.py MEMORY_CGROUP FREEZER_CGROUP STOP"""
import os, sys, time

memory, freezer, stop = sys.argv[1:4]


def usage():
    with open(memory + '/high/memory.usage_in_bytes') as f:
        return int(f.read())


def set_lows(state):
    for low in ('low1', 'low2'):
        with open(f'{freezer}/{low}/freezer.state', 'w') as f:
            f.write(state)


last, frozen, growing_at, freezes = usage(), False, 0.0, 0
while not os.path.exists(stop):
    now = usage()
    if now > last + (1 << 20):
        if not frozen:
            set_lows('FROZEN')
            frozen, freezes = True, freezes + 1
        growing_at = time.time()
    elif frozen and time.time() - growing_at > 0.02:
        set_lows('THAWED')
        frozen = False
    last = now
    time.sleep(0.001)
set_lows('THAWED')
print(f'guard: {freezes} freezes')
