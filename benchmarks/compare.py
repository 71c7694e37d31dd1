"""Two versions of the book side by side, on one machine, in one run, as ratios.

    python benchmarks/compare.py OLD NEW [--rounds 3] [--only cold,warm,pytest,torch]
                                 [--old-env NAME=VALUE ...] [--quick] [--out FILE]

OLD and NEW are checkouts of the book (e.g. ``git worktree add /tmp/before <commit>``).
Each round copies both (their working files) to a temporary folder and measures, in
turn and alternating which goes first:

- ``cold``   ``jupyter-book build -W`` into a fresh ``--path-output`` (every notebook runs);
- ``warm``   the same build again after editing a markdown cell of chapter 1;
- ``pytest`` the README test command's pytest part, ``pytest -n auto``, in the copy;
- ``torch``  rnn_lib forward + BPTT against torch.nn.RNN + nn.Linear at (T=100, B=64,
             n_x=32) and (T=1000, B=1, n_x=8), float64, one thread, in one process
             (``sections/library.py``), under the process settings of this checkout's
             ``_ext/process_env.py`` for both versions.

Each copy's processes get ``PYTHONPATH=<copy>``, so its kernels and tests import its own
``rnn_lib`` (not the editable install); the build and the tests otherwise run as that
version set them up (its own ``_ext``, ``conftest.py`` and process settings).
``--old-env`` sets a variable for OLD's processes only: with OLD and NEW the same
checkout, ``--old-env RNN_BOOK_DOWNLOADS=0`` measures what the take-home files cost the
build. ``--quick`` checks the tool in a minute: one round, builds that execute one
small added notebook, ``pytest tests/test_elman.py``, short timings. The Markdown table
goes to stdout (and ``--out``): medians, every run, and NEW / OLD.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sections import library  # noqa: E402
from sections.build import quick_copy, warm_edit  # noqa: E402
from sections.common import (  # noqa: E402
    commit,
    copy_book,
    edit_markdown,
    load,
    machine,
    med,
    table,
    timed_build,
    versions,
)
from sections.suite import run_pytest  # noqa: E402

KINDS = ["cold", "warm", "pytest", "torch"]


def env_for(copy: Path, extra: dict | None = None) -> dict:
    env = dict(os.environ, **(extra or {}))
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(copy), env.get("PYTHONPATH")] if p)
    return env


def failure(build) -> str:
    """The first error line of a failed build's log, to print beside its time."""
    if build["rc"] == 0:
        return ""
    errors = [t for _, t in build["lines"] if "Error" in t or "Warning, treated" in t]
    return f"[{(errors or [t for _, t in build['lines']][-1:] or [''])[0][:300]}] "


def measure_round(k, versions_, kinds, quick, work, results, envs=None):
    """One round: every kind, for both versions in turn (the order alternates)."""
    order = list(versions_.items()) if k % 2 == 0 else list(versions_.items())[::-1]
    copies = {}
    for label, src in order:
        dst = work / f"{label}-{k}"
        copies[label] = quick_copy(dst, src) if quick else copy_book(src, dst)
        if (src / "node_modules").is_dir():                # axe-core for the browser test
            (dst / "node_modules").symlink_to(src / "node_modules")

    def note(label, kind, seconds, extra=""):
        results.setdefault((label, kind), []).append(seconds)
        shown = "failed" if seconds is None else f"{seconds:.1f} s"
        print(f"round {k} {label} {kind}: {shown} {extra}(load {load()})", flush=True)

    for kind in kinds:
        for label, _ in order:
            copy = copies[label]
            env = env_for(copy, (envs or {}).get(label))
            out = work / f"{label}-{k}-build"
            if kind == "cold":
                b = timed_build(copy, env=env, out=out)
                note(label, kind, b["seconds"] if b["rc"] == 0 else None, failure(b))
            elif kind == "warm":
                if not (out / "_build").exists():
                    b = timed_build(copy, env=env, out=out)  # warm needs a cold one
                edit_markdown(warm_edit(copy), k)
                b = timed_build(copy, env=env, out=out)
                note(label, kind, b["seconds"] if b["rc"] == 0 else None, failure(b))
            elif kind == "pytest":
                args = ["tests/test_elman.py"] if quick else ["-n", "auto"]
                r = run_pytest(copy, args, env=env)
                note(label, kind, r["seconds"], f"[{r['summary']}] ")
                results.setdefault((label, "pytest result"), []).append(r["summary"])
            elif kind == "torch":
                rows = library.worker(pythonpath=copy, repeat=1 if quick else 3,
                                      min_time=0.05 if quick else 0.5)
                results.setdefault((label, "torch"), []).append(rows)
                print(f"round {k} {label} torch ({rows[0]['library']}) " + "; ".join(
                    f"{r['size']}: {1e3 * med(r['ours']):.2f} / {1e3 * med(r['torch']):.2f} ms"
                    for r in rows if "torch" in r), flush=True)
    for copy in copies.values():
        shutil.rmtree(copy, ignore_errors=True)


def report(args, results, started) -> str:
    def runs(label, kind):
        return results.get((label, kind), [])

    def cell(values):
        ok = [v for v in values if v is not None]
        failed = len(values) - len(ok)
        return (f"{med(ok):.1f} ({' / '.join(f'{v:.1f}' for v in ok)}"
                + (f"; {failed} failed" if failed else "") + ")") if ok else "failed"

    names = {"cold": "cold build (`jupyter-book build -W`, fresh output)",
             "warm": "warm rebuild after editing chapter 1",
             "pytest": "`pytest " + ("tests/test_elman.py" if args.quick else "-n auto") + "`"}
    rows = []
    for kind in [k for k in args.only if k in names]:
        old, new = runs("OLD", kind), runs("NEW", kind)
        m_old, m_new = med(old), med(new)
        rows.append([names[kind], cell(old), cell(new),
                     f"**{m_new / m_old:.2f}**" if m_old == m_old and m_new == m_new else "—"])
    parts = [f"Side by side on one machine ({time.strftime('%Y-%m-%d %H:%M %Z')}, "
             f"{args.rounds} round(s) alternating which version goes first, "
             f"{time.time() - started:.0f} s in all; load average {load()} at the end). "
             f"OLD = `{args.old}` ({commit(args.old)})"
             + "".join(f" with `{k}={v}`" for k, v in args.old_env.items())
             + f", NEW = `{args.new}` ({commit(args.new)})."
             + (" **--quick: a check of the tool, not a measurement.**" if args.quick else "")]
    if rows:
        parts.append(table(["seconds, median (runs)", "OLD", "NEW", "NEW / OLD"], rows))
        results_ = [(lab, runs(lab, "pytest result")) for lab in ("OLD", "NEW")]
        if any(r for _, r in results_):
            parts.append("pytest's last summary: " + "; ".join(
                f"{lab}: {r[-1]}" for lab, r in results_ if r) + ".")
    if "torch" in args.only:
        trows = []
        old_rows, new_rows = runs("OLD", "torch"), runs("NEW", "torch")
        for i, sz in enumerate(library.SIZES):
            row = [", ".join(f"{k}={v}" for k, v in sz.items())]
            for all_rows in (old_rows, new_rows):
                ours = med([med(r[i]["ours"]) for r in all_rows])
                theirs = med([med(r[i]["torch"]) for r in all_rows if "torch" in r[i]])
                row += [f"{1e3 * ours:.2f}", f"{1e3 * theirs:.2f}", f"**{ours / theirs:.2f}**"]
            trows.append(row)
        parts.append("rnn_lib forward + BPTT against torch.nn.RNN + nn.Linear (forward + "
                     "backward), float64, one thread, same process; milliseconds per call, "
                     "median over rounds:\n\n"
                     + table(["size", "OLD rnn_lib", "OLD torch", "OLD rnn_lib / torch",
                              "NEW rnn_lib", "NEW torch", "NEW rnn_lib / torch"], trows))
    parts.append(table(["", ""], machine()[:3] + [v for v in versions()
                                                  if v[0] in ("Python", "numpy", "torch",
                                                              "jupyter-book")]))
    return "\n\n".join(parts) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path, help="checkout of the book before")
    ap.add_argument("new", type=Path, help="checkout of the book after")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default=",".join(KINDS), help="comma-separated: " + ",".join(KINDS))
    ap.add_argument("--old-env", action="append", default=[], metavar="NAME=VALUE",
                    help="an environment variable for OLD's processes only (repeatable)")
    ap.add_argument("--quick", action="store_true", help="check the tool: one short round")
    ap.add_argument("--out", type=Path, default=None, help="also write the Markdown here")
    args = ap.parse_args(argv)
    args.old, args.new = args.old.resolve(), args.new.resolve()
    args.only = [k.strip() for k in args.only.split(",") if k.strip()]
    if any("=" not in item for item in args.old_env):
        ap.error(f"--old-env takes NAME=VALUE, got {args.old_env}")
    args.old_env = dict(item.split("=", 1) for item in args.old_env)
    if set(args.only) - set(KINDS):
        ap.error(f"unknown: {sorted(set(args.only) - set(KINDS))}; choose from {KINDS}")
    for d in (args.old, args.new):
        if not (d / "_config.yml").is_file() or not (d / "rnn_lib").is_dir():
            ap.error(f"{d} is not a checkout of the book (no _config.yml and rnn_lib/)")
    if args.quick:
        args.rounds = 1
    started, results = time.time(), {}
    work = Path(tempfile.mkdtemp(prefix="rnnbook-compare-"))
    try:
        for k in range(args.rounds):
            measure_round(k, {"OLD": args.old, "NEW": args.new}, args.only, args.quick, work,
                          results, {"OLD": args.old_env})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = report(args, results, started)
    print("\n" + text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
