"""Chapter 6's parallel scan against the plain loop: x_t = a_t x_{t-1} + b_t for T steps
and n channels, both in this process, taking turns (``rnn_lib.scan.time_loop_vs_scan``,
which checks that they agree first). NumPy runs the T/2 combines of one round of the scan
one after the other, so the table shows Python's per-step overhead against the scan's
extra memory traffic, not the scan's depth of log2 T rounds on parallel hardware."""
from __future__ import annotations

import numpy as np

from .common import table

TITLE = "Parallel scan against the loop (chapter 6)"
LENGTHS = (10, 100, 1_000, 10_000, 100_000)
CHANNELS = (1, 64, 512)


def run(sec, ctx):
    from rnn_lib import scan as sc

    lengths = (10, 1_000) if sec.quick else LENGTHS
    channels = (1, 512) if sec.quick else CHANNELS
    rows = []
    for n in channels:
        # at most ~10^7 numbers per array: T = 10^5 with 512 channels would take minutes
        ok = [T for T in lengths if T * n <= 10_000_000]
        for r in sc.time_loop_vs_scan(np.random.default_rng(0), ok, n=n,
                                      repeats=max(sec.repeat, 3)):
            rows.append([r.T, n, int(np.ceil(np.log2(r.T))), f"{1e3 * r.loop_seconds:.3g}",
                         f"{1e3 * r.scan_seconds:.3g}", f"{r.speedup:.2g}"])
    sec.add("Median of the runs of each method (the two take turns, same arrays); "
            "loop / scan > 1 means the scan is faster. `rounds` is the scan's depth, "
            "ceil(log2 T): what it would take on hardware that runs a round's combines "
            "at once.\n\n"
            + table(["T", "channels", "rounds", "loop (ms)", "scan (ms)", "loop / scan"],
                    rows))
