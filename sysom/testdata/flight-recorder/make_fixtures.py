#!/usr/bin/env python3
"""Writes PyTorch NCCL flight-recorder dumps for sysom's tests, in the dict schema torch writes
(torch/distributed/flight_recorder reads it: version, pg_config, entries with process_group, collective_seq_id,
profiling_name, state, sizes, dtypes, times). No real dumps are public, so these are synthetic, as PyTorch's own
tests/distributed/flight_recorder builds them. Run: python3 make_fixtures.py (writes the folders beside it)."""
import os
import pickle

MS = 1_000_000
BASE = 1_732_590_000_000_000_000


def entry(record, pg, desc, seq, op, state, t0, sizes=((4096, 1024),), dtype="Float", duration_ms=None, frames=None):
    e = {
        "record_id": record, "pg_id": int(pg), "process_group": (pg, desc),
        "collective_seq_id": seq, "p2p_seq_id": 0, "op_id": seq,
        "profiling_name": "nccl:" + op, "time_created_ns": t0,
        "input_sizes": [list(s) for s in sizes], "input_dtypes": [dtype] * len(sizes),
        "output_sizes": [list(s) for s in sizes], "output_dtypes": [dtype] * len(sizes),
        "state": state, "time_discovered_started_ns": t0 + 2 * MS if state != "scheduled" else None,
        "time_discovered_completed_ns": t0 + 9 * MS if state == "completed" else None,
        "retired": state == "completed", "timeout_ms": 600000, "is_p2p": False,
        "frames": frames or [{"name": "all_reduce", "filename": "torch/distributed/distributed_c10d.py", "line": 2501},
                             {"name": "train_step", "filename": "train.py", "line": 88}],
    }
    if duration_ms is not None:
        e["duration_ms"] = duration_ms
    return e


def dump(entries, ranks, extra_groups=None):
    config = {"0": {"name": "0", "desc": "default_pg", "ranks": str(list(ranks))}}
    config.update(extra_groups or {})
    return {"version": "2.4", "pg_config": config, "pg_status": {}, "entries": entries}


def write(folder, rank, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "nccl_trace_rank_%d" % rank), "wb") as f:
        pickle.dump(data, f, protocol=2)


def steps(rank, last_seq, last_state, op_at=None, slow=1.0):
    out = []
    for seq in range(1, last_seq + 1):
        t0 = BASE + seq * 100 * MS + rank * 50_000
        state = last_state if seq == last_seq else "completed"
        op = (op_at or {}).get(seq, "all_reduce")
        out.append(entry(seq - 1, "0", "default_pg", seq, op, state, t0, duration_ms=7.0 * slow if state == "completed" else None))
    return out


here = os.path.dirname(os.path.abspath(__file__))
ranks = range(4)
for r in ranks:
    write(os.path.join(here, "healthy"), r, dump(steps(r, 10, "completed"), ranks))
    # rank 2 never issued collective 10 (stuck before it, e.g. in its data loader): the others wait in it
    write(os.path.join(here, "missing-rank"), r, dump(steps(r, 9 if r == 2 else 10, "completed" if r == 2 else "started"), ranks))
    # rank 3 issued an all_gather where the others issued all_reduce (a desync in the program)
    write(os.path.join(here, "mismatch"), r, dump(steps(r, 7, "started", op_at={7: "all_gather"} if r == 3 else None), ranks))
    # every rank entered collective 6 and none finished: the collective itself (network, NCCL) hangs
    write(os.path.join(here, "stuck"), r, dump(steps(r, 6, "started"), ranks))
# a pipeline group of ranks 0 and 1: rank 0 sends three activations to rank 1, which posted only two receives
pp = {"1": {"name": "1", "desc": "pp", "ranks": "[0, 1]"}}
for r in range(2):
    entries = steps(r, 3, "completed")
    for k in range(3 if r == 0 else 2):
        t0 = BASE + (10 + k) * 100 * MS
        e = entry(100 + k, "1", "pp", 3, "send 0->1" if r == 0 else "recv 1<-0", "started" if (r == 0 and k == 2) else "completed", t0)
        e["p2p_seq_id"] = k + 1
        e["is_p2p"] = True
        entries.append(e)
    write(os.path.join(here, "p2p-missing-recv"), r, dump(entries, range(2), pp))
# a damaged entry is counted and skipped, the rest kept
bad = dump(steps(0, 3, "completed"), ranks)
del bad["entries"][1]["collective_seq_id"]
write(os.path.join(here, "damaged"), 0, bad)
