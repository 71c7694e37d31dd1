"""The README's test command, timed: ``pytest -n auto`` (``--quick``: one small module)."""
from __future__ import annotations

import subprocess
import sys
import time

from .common import ROOT, med, table

TITLE = "Tests"


def run_pytest(root, args, env=None) -> dict:
    """``python -m pytest -q *args`` in ``root``: seconds, exit code, summary, failures."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", *args], cwd=root, env=env,
                          capture_output=True, text=True)
    lines = proc.stdout.splitlines()
    return {"seconds": time.perf_counter() - t0, "rc": proc.returncode,
            "summary": next((ln for ln in reversed(lines) if ln.strip()), "").strip("= "),
            "failed": [ln.split(" - ")[0].split(" ", 1)[1] for ln in lines
                       if ln.startswith(("FAILED ", "ERROR "))]}


def run(sec, ctx):
    args = ["tests/test_elman.py"] if sec.quick else ["-n", "auto"]
    runs = [run_pytest(ROOT, args) for _ in range(sec.repeat)]
    if any(r["rc"] not in (0, 1) for r in runs):   # 1: tests failed, which CI reports itself
        sec.ok = False
    times = [r["seconds"] for r in runs]
    sec.add(f"`pytest -q {' '.join(args)}` from the repository's root.\n\n"
            + table(["command", "median (s)", "runs (s)", "last result"],
                    [[f"pytest {' '.join(args)}", f"{med(times):.0f}",
                      " / ".join(f"{t:.0f}" for t in times), runs[-1]["summary"]]]))
    failed = runs[-1]["failed"]
    if failed:
        sec.add("Failed in the last run (the timing counts them as run): "
                + ", ".join(f"`{f}`" for f in failed[:20])
                + (f" and {len(failed) - 20} more" if len(failed) > 20 else "") + ".")
