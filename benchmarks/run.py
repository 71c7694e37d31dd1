"""The book's benchmarks in one command: measure, and write the tables of RESULTS.md.

    python benchmarks/run.py [--quick] [--repeat N] [--out benchmarks/RESULTS.md]
                             [--only build,cells,pytest,sliders,pages,library,chapter5,scan]
                             [--site _build/html]

One module per section in ``benchmarks/sections/`` (its docstring says what it measures):
``build`` cold and warm book build, ``cells`` a profile of every notebook, ``pytest``
the README's test command, ``sliders`` every slider figure's redraw latency and static
weight, ``pages`` each page's bytes, ``library`` rnn_lib against torch.nn.RNN,
``chapter5`` the chapter's five models, ``scan`` chapter 6's parallel scan against the
loop. Seconds are this machine's today: to compare
two versions of the book, run ``benchmarks/compare.py``, which interleaves them.

``--quick`` (what CI runs so the script cannot rot): one repetition, few slider moves,
one figure's static face, one cold build in which only a small added notebook executes,
``pytest tests/test_elman.py``. It judges nothing; it exits non-zero only when a section
fails to run. ``--only`` re-runs some sections and keeps the others' tables.

The script re-runs itself with the book's process settings (``_ext/process_env.py``:
glibc's allocator thresholds, one BLAS thread), so that it times what the build runs.
"""
from __future__ import annotations

import argparse
import importlib
import os
import re
import shutil
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "_ext"))
import process_env  # noqa: E402
from sections.common import Section, machine, table, versions  # noqa: E402

SECTIONS = {"build": "build", "cells": "cells", "pytest": "suite", "sliders": "sliders",
            "pages": "pages", "library": "library", "chapter5": "chapter5", "scan": "scan"}


def read_sections(path: Path) -> dict:
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    return {m.group(1): m.group(0) for m in
            re.finditer(r"<!-- section:(\w+) -->.*?<!-- /section:\1 -->", text, re.S)}


def write_results(path: Path, new: dict, argv: list[str]):
    """The tables, with a section not re-run kept from the file; notes after them stay."""
    old = read_sections(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    notes = text[text.index("<!-- notes -->"):] if "<!-- notes -->" in text else ""
    merged = [new.get(name, old.get(name)) for name in SECTIONS]
    head = ["# Benchmarks", "",
            "<!-- Written by benchmarks/run.py; edit the script (or the notes at the end). -->",
            "Made with `python benchmarks/run.py` (this run: `python benchmarks/run.py "
            + " ".join(argv) + "`). Every section says when it was measured, how often, and "
            "how busy the machine was. This is a shared 2-core machine: seconds move by tens "
            "of percent from run to run and several-fold between days; compare versions "
            "side by side with `benchmarks/compare.py`.", "",
            "## Machine and versions", "", table(["", ""], machine() + versions()), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(head) + "\n" + "\n\n".join(s for s in merged if s) + "\n"
                    + ("\n" + notes if notes else ""), encoding="utf-8")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="one repetition, small grids, a one-notebook build (CI)")
    ap.add_argument("--repeat", type=int, default=None, help="runs per measurement (default 3)")
    ap.add_argument("--out", default=None,
                    help="Markdown file to write (default benchmarks/RESULTS.md, "
                         "--quick: benchmarks/_out/RESULTS-quick.md)")
    ap.add_argument("--only", default=None, help="comma-separated sections: " + ",".join(SECTIONS))
    ap.add_argument("--site", default=None,
                    help="built site for the pages section when build is not run")
    args = ap.parse_args(argv)
    repeat = 1 if args.quick else (args.repeat or 3)
    if args.quick and args.repeat not in (None, 1):
        ap.error("--quick runs once; drop --repeat")
    chosen = list(SECTIONS) if args.only is None else [s.strip() for s in args.only.split(",")]
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        ap.error(f"unknown sections {sorted(unknown)}; choose from {list(SECTIONS)}")
    out = Path(args.out or (HERE / "_out" / "RESULTS-quick.md" if args.quick
                            else HERE / "RESULTS.md"))
    ctx = {"site": Path(args.site) if args.site else None}
    done, failed = {}, []
    t_start = time.perf_counter()
    try:
        for name in [s for s in SECTIONS if s in chosen]:
            print(f"\n=== {name} ===", flush=True)
            module = importlib.import_module(f"sections.{SECTIONS[name]}")
            sec = Section(name, module.TITLE, args.quick, repeat)
            try:
                module.run(sec, ctx)
            except Exception:
                sec.ok = False
                tb = traceback.format_exc()
                print(tb, file=sys.stderr)
                sec.add(f"The section failed:\n\n```\n{tb[-3000:]}\n```")
            if not sec.ok:
                failed.append(name)
            done[name] = sec.markdown()
            write_results(out, done, argv)             # after every section: partial results
    finally:
        for work in ctx.get("work", []):              # temporary copies of the book
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nwrote {out} in {time.perf_counter() - t_start:.0f} s"
          + (f"; sections that failed to run: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    if not process_env.applied():                  # read at start-up: run again with them
        os.execve(sys.executable, [sys.executable, *sys.argv], process_env.apply(dict(os.environ)))
    sys.exit(main())
