"""The book build: cold (empty ``_build``, every notebook executed), then warm (after
editing one markdown cell of a chapter); each notebook's execution time and the build's
phases from its log."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from .common import ROOT, copy_book, edit_markdown, med, table, timed_build, write_log

TITLE = "Book build"
#: the one notebook --quick executes, written into the copy (the chapters render unexecuted)
QUICK_NOTEBOOK = "chapters/zz_benchmark_quick.ipynb"
QUICK_CELL = '''import numpy as np
from rnn_lib.interactive import Explorer, Slider

def setup(fig):
    ax = fig.subplots()
    (line,) = ax.plot([], [], animated=True)
    ax.set(xlim=(0, 19), ylim=(-1, 1), xlabel="t", ylabel="a^t")
    def update(a):
        line.set_data(np.arange(20), a ** np.arange(20))
        return f"a = {a:g}"
    return update

Explorer(setup, [Slider("a", [-0.9, -0.6, -0.3, 0, 0.3, 0.6, 0.9], 0.6, "a")],
         title="powers of a")'''


def warm_edit(book: Path) -> Path:
    """The chapter whose markdown the warm rebuild edits: the first numbered one."""
    return sorted((book / "chapters").glob("01_*.ipynb"))[0]


def quick_copy(dst: Path, src: Path = ROOT) -> Path:
    """A copy of the book whose chapters render unexecuted, with one small notebook
    (one slider figure) added and executed: every code path of a build in seconds."""
    import nbformat
    import yaml
    copy_book(src, dst)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                 "name": "python3"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Benchmark check\n\nAdded by "
                                              "`benchmarks/run.py --quick`."),
                nbformat.v4.new_code_cell(QUICK_CELL)]
    nbformat.write(nb, dst / QUICK_NOTEBOOK)
    cfg = yaml.safe_load((dst / "_config.yml").read_text())
    cfg.setdefault("execute", {})["exclude_patterns"] = [
        p.relative_to(dst).as_posix() for p in sorted((dst / "chapters").glob("*.ipynb"))
        if p.relative_to(dst).as_posix() != QUICK_NOTEBOOK]
    # unexecuted chapters have no glued numbers for their prose: say nothing about that
    cfg["sphinx"]["config"].setdefault("suppress_warnings", []).append("mystnb.glue")
    (dst / "_config.yml").write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    toc = yaml.safe_load((dst / "_toc.yml").read_text())
    toc["chapters"].append({"file": QUICK_NOTEBOOK[:-len(".ipynb")]})
    (dst / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False, allow_unicode=True))
    return dst


def execution_times(book: Path) -> dict:
    """Seconds each notebook took to execute, as jupyter-cache recorded them."""
    from jupyter_cache import get_cache
    path = book / "_build" / ".jupyter_cache"
    if not path.exists():
        return {}
    return {Path(r.uri).name: (r.data or {}).get("execution_seconds")
            for r in get_cache(str(path)).list_cache_records()}


PHASES = [("start-up: imports, config, extensions", None),
          ("reading sources, notebook execution included", r"^(updating environment|reading)"),
          ("pickling, consistency, copying static assets", r"^(looking for now-outdated|pickl)"),
          ("writing pages", r"^writing output\.\.\.\s*\["),
          ("indices, search index, finishing", r"^(generating indices|writing additional|dump)")]


def phases(build: dict) -> dict:
    """Seconds of the build's phases, from the times its log lines appeared."""
    marks = [(name, 0.0 if pattern is None else next(
        (t for t, text in build["lines"] if re.search(pattern, text)), None))
        for name, pattern in PHASES]
    marks = sorted(((k, t) for k, t in marks if t is not None), key=lambda kt: kt[1])
    return {k: nxt - t for (k, t), (_, nxt) in zip(marks, marks[1:] + [("end", build["seconds"])])}


def run(sec, ctx):
    runs = []
    work = Path(tempfile.mkdtemp(prefix="rnnbook-bench-"))
    ctx.setdefault("work", []).append(work)
    for k in range(sec.repeat):
        dst = work / f"book{k}"
        book = quick_copy(dst) if sec.quick else copy_book(ROOT, dst)
        r = {"cold": timed_build(book)}
        r["exec"] = execution_times(book)
        if not sec.quick:                                  # --quick: one build, in time
            edit_markdown(warm_edit(book), k)
            r["warm"] = timed_build(book)
        runs.append(r)
        for kind in ("cold", "warm"):
            if kind in r:
                write_log(f"build-{kind}-{k}", r[kind])
                if r[kind]["rc"] != 0:
                    sec.ok = False
                    tail = "\n".join(t for _, t in r[kind]["lines"][-25:])
                    sec.add(f"The {kind} build failed (exit {r[kind]['rc']}); its log ends:"
                            f"\n\n```\n{tail}\n```")
        ctx["site"] = book / "_build" / "html"             # the last one, for pages
        if k + 1 < sec.repeat:
            shutil.rmtree(dst, ignore_errors=True)
    kinds = [k for k in ("cold", "warm") if k in runs[0]]
    labels = {"cold": "cold: empty `_build`, every notebook executed"
                      + (f" (--quick: only `{QUICK_NOTEBOOK}`)" if sec.quick else ""),
              "warm": "warm: after editing a markdown cell of chapter 1"}
    rows = [[labels[k], f"{med([r[k]['seconds'] for r in runs]):.1f}",
             " / ".join(f"{r[k]['seconds']:.1f}" for r in runs)] for k in kinds]
    sec.add(f"`jupyter-book build -W .` in a copy of the book, {sec.repeat} time(s). "
            "Seconds on this machine today: compare builds side by side "
            "(`benchmarks/compare.py`), not with other days.\n\n"
            + table(["build", "median (s)", "runs (s)"], rows))
    names = sorted({n for r in runs for n in r["exec"]})
    rows = [[f"`{n}`", f"{med([r['exec'].get(n) for r in runs]):.1f}"] for n in names]
    rows.append(["**all notebooks (sum)**",
                 f"**{sum(med([r['exec'].get(n) for r in runs]) for n in names):.1f}**"])
    sec.add("Notebook execution in the cold build (jupyter-cache's `execution_seconds`: "
            "kernel start-up and every cell; the build reads pages in one process per CPU, so "
            "notebooks run side by side and the sum is more than the reading phase):\n\n"
            + table(["notebook", "median (s)"], rows))
    parts = [{k: phases(r[k]) for k in kinds} for r in runs]
    rows = [[name] + [f"{med([p[k].get(name) for p in parts]):.1f}".replace("nan", "—")
                      for k in kinds] for name, _ in PHASES]
    sec.add("Where the build's time goes (median seconds, from the times the build's log "
            "lines appeared):\n\n" + table(["phase"] + kinds, rows))
