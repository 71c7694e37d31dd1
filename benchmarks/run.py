"""The book's benchmarks in one command: measure, compare with the targets, write a table.

    python benchmarks/run.py [--quick] [--repeat N] [--out benchmarks/RESULTS.md]
                             [--only build,cells,pytest,sliders,pages,library,chapter5]
                             [--site _build/html]

Sections (each a Markdown table in the output, with medians of ``--repeat`` runs, the
target and whether it was met):

- ``build``    cold book build (a copy of the book with an empty ``_build``, so the
               jupyter-cache is empty too and every notebook executes), the warm rebuild
               after editing one markdown cell, and a rebuild of every page from the
               cache (Sphinx alone); phases from the build log; each notebook's execution
               time as jupyter-cache recorded it. Targets: cold <= 60 s, warm <= 10 s.
- ``cells``    a profile of every notebook executed the way the build does it (static
               face, nbclient): kernel start-up, each cell's time, and the time inside the
               slider figures' static faces, inline figures and training loops.
- ``pytest``   wall time of the full ``pytest -n auto`` (``--quick``: ``tests/test_elman.py``).
- ``sliders``  live redraw latency of every slider figure (median, 95th percentile), its
               static frames and bytes (uses ``slider_latency.measure``). Target: <= 100 ms.
- ``pages``    each chapter page's own bytes (HTML and the images it loads, not
               ``_static/``) and the shared assets the pages load, raw and gzip -6, once.
               Target: <= 2 MB a page.
- ``library``  ``rnn_lib`` forward + BPTT against ``torch.nn.RNN`` forward + backward
               (when torch is installed), float64, same weights. Targets: time ratio
               <= 0.5, gradients agree to 1e-10.
- ``chapter5`` each chapter-5 model's training time to its target score, from
               ``benchmarks/ch5_training.py`` (its ``measure()``) when that file exists.

``--quick`` (what CI runs so the script cannot rot): one repetition, few slider moves,
the static face of one figure, numpy's default BLAS threads only, one cold build (no
warm one) in which the chapters render unexecuted and one small added notebook
executes, and ``pytest tests/test_elman.py`` instead of everything.
It judges no timing; it exits non-zero only when a section fails to run. ``--only``
re-runs some sections and keeps the others' tables from the existing output file.

Timings on a shared 2-core machine are noisy: every section records the load average.
The build logs, with a timestamp on every line, go to ``benchmarks/_out/``; ``--keep``
keeps the temporary copies of the book.
"""
from __future__ import annotations

import argparse
import gzip
import html.parser
import importlib.util
import inspect
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))                      # slider_latency, ch5_training

SECTIONS = ["build", "cells", "pytest", "sliders", "pages", "library", "chapter5"]
TITLES = {"build": "Book build", "cells": "Inside the notebooks (execution profile)",
          "pytest": "Tests", "sliders": "Slider figures", "pages": "Page weight",
          "library": "rnn_lib against torch.nn.RNN", "chapter5": "Chapter 5 models"}
TARGET = {"cold_s": 60.0, "warm_s": 10.0, "slider_ms": 100.0, "page_bytes": 2_000_000,
          "torch_ratio": 0.5, "grad_rel": 1e-10}
#: the one notebook --quick executes, written into the copy (the chapters render unexecuted)
QUICK_NOTEBOOK = "chapters/zz_benchmark_quick.ipynb"
#: the chapter whose markdown the warm rebuild edits
WARM_EDIT = "chapters/01_first_order_systems.ipynb"
#: what a copy of the book leaves out (rnn_lib stays: the kernels import the installed one)
COPY_IGNORE = shutil.ignore_patterns("_build", ".git", ".venv", "venv", "__pycache__",
                                     "*.egg-info", ".ipynb_checkpoints", ".pytest_cache",
                                     "benchmarks", "tests", "rnn_lib")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: where the build logs go (git ignores benchmarks/_out/)
LOGS = HERE / "_out"


# -- helpers -----------------------------------------------------------------------------
def load() -> str:
    try:
        return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "?"


def med(xs):
    xs = [x for x in xs if x is not None]
    return float(np.median(xs)) if xs else float("nan")


def verdict(value, target, quick):
    if value is None or value != value:            # None or nan
        return "—"
    ok = value <= target
    if quick:
        return "(quick: not judged)"
    return "pass" if ok else "**MISS**"


def table(head, rows) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def kib(n) -> str:
    return f"{n / 1024:,.0f}"


def versions() -> list[tuple[str, str]]:
    from importlib import metadata
    rows = [("Python", platform.python_version())]
    for dist in ["numpy", "matplotlib", "pillow", "jupyter-book", "sphinx", "myst-nb",
                 "jupyter-cache", "nbclient", "ipykernel", "pytest", "torch"]:
        try:
            rows.append((dist, metadata.version(dist)))
        except metadata.PackageNotFoundError:
            rows.append((dist, "not installed"))
    return rows


def machine() -> list[tuple[str, str]]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "?"
    mem = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 2**20:.1f} GiB"
    except (OSError, AttributeError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    commit = "?"
    try:                                           # read-only git queries
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True).stdout.strip() or "?"
        dirty = subprocess.run(["git", "--no-optional-locks", "status", "--porcelain"],
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()
        if dirty:
            commit += " (with uncommitted changes)"
    except OSError:
        pass
    return [("CPU", f"{cpu}, {os.cpu_count()} cores ({usable} usable)"), ("memory", mem),
            ("OS", f"{platform.system()} {platform.release()} {platform.machine()}"),
            ("commit", commit), ("date", time.strftime("%Y-%m-%d %H:%M %Z"))]


class Section:
    """What one section produced: Markdown parts, and whether its code ran."""

    def __init__(self, name, quick, repeat):
        self.name, self.quick, self.repeat = name, quick, repeat
        self.parts: list[str] = []
        self.ok = True
        self.t0 = time.perf_counter()
        self.load0 = load()

    def add(self, text: str):
        self.parts.append(text.strip("\n"))
        print(text, flush=True)

    def markdown(self) -> str:
        stamp = (f"*{time.strftime('%Y-%m-%d %H:%M')}, {'quick' if self.quick else 'full'} "
                 f"mode, {self.repeat} run(s), {time.perf_counter() - self.t0:.0f} s for the "
                 f"section; load average (1, 5, 15 min) {self.load0} at its start, {load()} at "
                 "its end.*")
        body = "\n\n".join([f"## {TITLES[self.name]}", stamp] + self.parts)
        return f"<!-- section:{self.name} -->\n{body}\n<!-- /section:{self.name} -->"


# -- build ---------------------------------------------------------------------------------
QUICK_CELLS = ["import rnn_lib as rl\nfrom rnn_lib.explorers import ALL",
               "make = ALL.get('weather', next(iter(ALL.values())))   # a small one\n"
               "make()                                               # its static face"]


def copy_book(dst: Path, quick: bool) -> Path:
    """A copy of the book to build in (never the real one).

    With ``quick``, the chapters render unexecuted and one small notebook,
    ``chapters/zz_benchmark_quick.ipynb`` (one slider figure), is added and executed:
    every code path of a build in a few seconds, whatever the chapters grow into.
    """
    import nbformat
    import yaml
    shutil.copytree(ROOT, dst, ignore=COPY_IGNORE)
    if quick:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                     "name": "python3"}
        nb.cells = ([nbformat.v4.new_markdown_cell("# Benchmark check\n\nAdded by "
                                                   "`benchmarks/run.py --quick`.")]
                    + [nbformat.v4.new_code_cell(c) for c in QUICK_CELLS])
        nbformat.write(nb, dst / QUICK_NOTEBOOK)
        cfg_path = dst / "_config.yml"
        cfg = yaml.safe_load(cfg_path.read_text())
        cfg.setdefault("execute", {})["exclude_patterns"] = [
            p.relative_to(dst).as_posix() for p in sorted((dst / "chapters").glob("*.ipynb"))
            if p.relative_to(dst).as_posix() != QUICK_NOTEBOOK]
        cfg_path.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
        toc_path = dst / "_toc.yml"
        toc = yaml.safe_load(toc_path.read_text())
        toc["chapters"].append({"file": QUICK_NOTEBOOK[:-len(".ipynb")]})
        toc_path.write_text(yaml.safe_dump(toc, sort_keys=False, allow_unicode=True))
    return dst


def jupyter_book() -> str:
    exe = Path(sys.executable).parent / "jupyter-book"
    return str(exe) if exe.exists() else (shutil.which("jupyter-book") or "jupyter-book")


def timed_build(book: Path, extra=()) -> dict:
    """Run ``jupyter-book build -W`` in ``book``; time it and every line of its log."""
    cmd = [jupyter_book(), "build", "-W", *extra, "."]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=book, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace")
    lines = []
    for line in proc.stdout:
        lines.append((time.perf_counter() - t0, ANSI.sub("", line.rstrip("\n"))))
    rc = proc.wait()
    total = time.perf_counter() - t0
    return {"rc": rc, "seconds": total, "lines": lines, "phases": phases(lines, total)}


def phases(lines, total) -> dict:
    """Seconds of the build's phases, from the times its log lines appeared."""
    def first(pattern):
        for t, text in lines:
            if re.search(pattern, text):
                return t
        return None
    marks = [("start-up: imports, config, extensions", 0.0),
             ("reading sources, notebook execution included",
              first(r"^(updating environment|reading sources)")),
             ("pickling, consistency, copying static assets",
              first(r"^(looking for now-outdated|pickling environment)")),
             ("writing pages", first(r"^writing output\.\.\.\s*\[")),
             ("indices, search index, finishing",
              first(r"^(generating indices|writing additional pages|dumping search index)"))]
    marks = sorted(((k, t) for k, t in marks if t is not None), key=lambda kt: kt[1])
    out = {}
    for (k, t), nxt in zip(marks, marks[1:] + [("end", total)]):
        out[k] = nxt[1] - t
    out["notebook execution (log; sum over notebooks run side by side)"] = sum(
        float(m.group(1)) for _, text in lines
        for m in [re.search(r"Executed notebook in ([\d.]+) seconds", text)] if m)
    return out


def execution_times(book: Path) -> dict:
    """Seconds each notebook took to execute, as jupyter-cache recorded them."""
    from jupyter_cache import get_cache
    path = book / "_build" / ".jupyter_cache"
    if not path.exists():
        return {}
    cache = get_cache(str(path))
    out = {}
    for rec in cache.list_cache_records():
        secs = (rec.data or {}).get("execution_seconds")
        out[Path(rec.uri).name] = secs
    return out


def edit_markdown(nb_path: Path, k: int):
    """Append a sentence to the notebook's first markdown cell (its code stays the same)."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = cell["source"]
            text = "".join(src) if isinstance(src, list) else src
            cell["source"] = text + f"\n\nThis sentence was added by the benchmark (edit {k})."
            break
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def section_build(sec: Section, ctx: dict):
    quick, repeat = sec.quick, sec.repeat
    runs = []
    work = Path(tempfile.mkdtemp(prefix="rnnbook-bench-"))
    try:
        for k in range(repeat):
            book = copy_book(work / f"book{k}", quick)     # empty _build, empty cache
            run = {"cold": timed_build(book)}
            run["exec"] = execution_times(book)
            edit_markdown(book / WARM_EDIT, k)
            if not quick:                                  # --quick: one build, in time
                run["warm"] = timed_build(book)
                run["all"] = timed_build(book, ["--all"])
            runs.append(run)
            LOGS.mkdir(parents=True, exist_ok=True)
            for kind in ("cold", "warm", "all"):              # timestamped, for diagnosis
                if kind in run:
                    (LOGS / f"build-{kind}-{k}.log").write_text(
                        "".join(f"{t:8.2f} {text}\n" for t, text in run[kind]["lines"]))
            for kind in ("cold", "warm", "all"):
                if kind in run and run[kind]["rc"] != 0:
                    sec.ok = False
                    tail = "\n".join(t for _, t in run[kind]["lines"][-25:])
                    sec.add(f"The {kind} build failed (exit {run[kind]['rc']}); its log ends:\n\n"
                            f"```\n{tail}\n```")
            ctx["site"] = book / "_build" / "html"         # the last one stays for pages
            ctx["work"] = work
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise

    what = ("a copy of the book that executes only a small added notebook, "
            f"`{QUICK_NOTEBOOK}`" if quick else "a copy of the book")
    rows = []
    cold = ("cold: empty `_build` and cache" + ("" if quick else ", every notebook executed"))
    warm = f"warm: after editing a markdown cell of `{WARM_EDIT}`"
    every = "every page rewritten from the cache (`--all`: Sphinx alone)"
    for kind, label, target in [("cold", cold, TARGET["cold_s"]),
                                ("warm", warm, TARGET["warm_s"]), ("all", every, None)]:
        secs = [r[kind]["seconds"] for r in runs if kind in r]
        if not secs:
            continue
        rows.append([label, f"{med(secs):.1f}", " / ".join(f"{s:.1f}" for s in secs),
                     f"≤ {target:.0f}" if target else "—",
                     verdict(med(secs), target, quick) if target else "—"])
    sec.add(f"`jupyter-book build -W .` in {what}, built {repeat} time(s).\n\n"
            + table(["build", "median (s)", "runs (s)", "target (s)", ""], rows))

    names = sorted({n for r in runs for n in r["exec"]})
    rows = [[f"`{n}`", f"{med([r['exec'].get(n) for r in runs]):.1f}"] for n in names]
    total = sum(med([r["exec"].get(n) for r in runs]) for n in names)
    rows.append(["**all notebooks (sum)**", f"**{total:.1f}**"])
    sec.add("Notebook execution in the cold build (jupyter-cache's `execution_seconds`: "
            "kernel start-up and every cell). The build reads pages in one process per "
            "CPU (`book_parallel_jobs` in `_config.yml`), so notebooks run side by side "
            "and the sum is more than the reading phase's wall time:\n\n"
            + table(["notebook", "median (s)"], rows))

    keys = list(dict.fromkeys(k for r in runs for kind in ("cold", "warm", "all") if kind in r
                              for k in r[kind]["phases"]))
    rows = []
    for key in keys:
        cells = [f"{med([r[kind]['phases'].get(key) for r in runs if kind in r]):.1f}"
                 .replace("nan", "—") for kind in ("cold", "warm", "all") if kind in runs[0]]
        rows.append([key] + cells)
    head = (["phase (from the log's timestamps)"]
            + [k for k in ("cold", "warm", "all") if k in runs[0]])
    sec.add("Where the build's time goes (median seconds, from the times the build's log "
            "lines appeared; notebook execution is part of reading):\n\n" + table(head, rows))


# -- cells: a profile of the notebooks -------------------------------------------------------
PROFILE_SETUP = r'''
import functools as _bf, time as _bt
import matplotlib.backend_bases as _bbb
import rnn_lib.interactive as _bia
import rnn_lib.train as _btr
_BENCH = {}
def _bench_wrap(owner, attr, key):
    orig = getattr(owner, attr)
    @_bf.wraps(orig)
    def wrapper(*a, **k):
        t0 = _bt.perf_counter()
        try:
            return orig(*a, **k)
        finally:
            d = _BENCH.setdefault(key, [0.0, 0])
            d[0] += _bt.perf_counter() - t0
            d[1] += 1
    setattr(owner, attr, wrapper)
_bench_wrap(_bia.Explorer, "__init__", "Explorer set-up")
_bench_wrap(_bia.Explorer, "static_html", "static face (frames + HTML)")
_bench_wrap(_bia.Explorer, "overlay", "static frames: drawing")
_bench_wrap(_bia, "_to_webp", "static frames: WebP (quantize + encode)")
_bench_wrap(_bia.svg_frames, "render", "static frames: SVG (draw + write)")
_bench_wrap(_bbb.FigureCanvasBase, "print_figure", "inline figures (PNG)")
_bench_wrap(_btr, "train", "rnn_lib.train.train")
'''
PROFILE_REPORT = "import json as _bj; print(_bj.dumps(_BENCH))"


def profile_notebook(path: Path, timeout=600) -> dict:
    """Execute a notebook as the build does (static faces) and time its kernel and cells."""
    import nbformat
    from nbclient import NotebookClient
    from rnn_lib.interactive import STATIC_ENV

    nb = nbformat.read(path, as_version=4)
    n_orig = len(nb.cells)
    nb.cells = ([nbformat.v4.new_code_cell(PROFILE_SETUP)] + nb.cells
                + [nbformat.v4.new_code_cell(PROFILE_REPORT)])
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    cells = []
    with client.setup_kernel(env=dict(os.environ, **{STATIC_ENV: "1"})):
        t_kernel = time.perf_counter() - t0
        for i, cell in enumerate(nb.cells):
            t1 = time.perf_counter()
            client.execute_cell(cell, i)
            cells.append(time.perf_counter() - t1)
    t_all = time.perf_counter() - t0
    out = nb.cells[-1].outputs
    inside = json.loads("".join(o.get("text", "") for o in out if o.get("name") == "stdout"))
    code = []
    for j in range(n_orig):
        c = nb.cells[j + 1]
        if c.cell_type == "code":
            first = next((ln for ln in c.source.splitlines() if ln.strip()
                          and not ln.lstrip().startswith("#")), "")
            code.append({"index": j, "seconds": cells[j + 1], "first": first.strip()})
    return {"kernel": t_kernel, "setup": cells[0], "cells": code, "total": t_all,
            "inside": inside}


def section_cells(sec: Section, ctx: dict):
    sec.repeat = 1                                 # a profile: one execution per notebook
    work = Path(tempfile.mkdtemp(prefix="rnnbook-cells-"))
    try:
        book = copy_book(work / "book", quick=sec.quick)
        paths = sorted((book / "chapters").glob("*.ipynb"))
        if sec.quick:
            paths = [book / QUICK_NOTEBOOK]
        profiles = {}
        for p in paths:
            try:
                profiles[p.name] = profile_notebook(p)
            except Exception as exc:               # report it, go on with the others
                sec.ok = False
                sec.add(f"`{p.name}` failed: `{type(exc).__name__}: {str(exc)[:300]}`")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not profiles:
        return
    keys = ["Explorer set-up", "static face (frames + HTML)", "static frames: drawing",
            "static frames: WebP (quantize + encode)", "static frames: SVG (draw + write)",
            "inline figures (PNG)",
            "rnn_lib.train.train"]
    rows = []
    tot = np.zeros(4 + len(keys))
    for name, p in profiles.items():
        vals = [p["total"], p["kernel"], p["setup"], sum(c["seconds"] for c in p["cells"])]
        vals += [p["inside"].get(k, [0.0, 0])[0] for k in keys]
        tot += vals
        rows.append([f"`{name}`"] + [f"{v:.1f}" for v in vals])
    rows.append(["**all**"] + [f"**{v:.1f}**" for v in tot])
    head = ["notebook", "total", "kernel start", "imports (profiler cell)", "its cells"] + keys
    sec.add("Each notebook executed once with nbclient and the book's static faces "
            "(`RNN_BOOK_STATIC=1`), as `jupyter-book build` runs it; seconds. A first cell "
            "imports matplotlib and `rnn_lib` and wraps a few functions to time them (the "
            "right-hand columns: time spent inside them; the static face contains the "
            "drawing, WebP and SVG columns: raster frames are drawn, then encoded as WebP; "
            "vector frames are drawn straight to SVG).\n\n" + table(head, rows))
    allcells = sorted(((c["seconds"], name, c) for name, p in profiles.items()
                       for c in p["cells"]), key=lambda x: -x[0])
    n = 15 if not sec.quick else 5
    rows = [[f"`{name}`", c["index"], f"{s:.1f}", f"`{c['first'][:70]}`"]
            for s, name, c in allcells[:n]]
    sec.add(f"The {n} slowest cells (index counts every cell of the notebook from 0):\n\n"
            + table(["notebook", "cell", "seconds", "first line"], rows))
    ctx["profiles"] = profiles


# -- pytest --------------------------------------------------------------------------------
def section_pytest(sec: Section, ctx: dict):
    # The README's test command: one xdist worker per CPU (see pyproject.toml).
    args = ["tests/test_elman.py"] if sec.quick else ["-n", "auto"]
    cmd = [sys.executable, "-m", "pytest", "-q", *args]
    rows = []
    times = []
    failed = []
    for _ in range(sec.repeat):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        summary = next((ln for ln in reversed(proc.stdout.splitlines()) if ln.strip()), "")
        summary = summary.strip("= ")
        if proc.returncode not in (0, 1):          # 1: tests failed, which CI reports itself
            sec.ok = False
        failed = [ln.split(" - ")[0][len("FAILED "):] for ln in proc.stdout.splitlines()
                  if ln.startswith(("FAILED ", "ERROR "))]
        rows.append(summary)
    label = "pytest " + (" ".join(args) if sec.quick else "-n auto (everything: tests/ and chapters/)")
    sec.add(f"`{' '.join(['pytest', '-q', *args])}` from the repository's root.\n\n"
            + table(["command", "median (s)", "runs (s)", "last result"],
                    [[label, f"{med(times):.0f}", " / ".join(f"{t:.0f}" for t in times),
                      rows[-1]]]))
    if failed:
        sec.add("Failed in the last run (the timing counts them as run): "
                + ", ".join(f"`{f}`" for f in failed[:20])
                + (f" and {len(failed) - 20} more" if len(failed) > 20 else "") + ".")


# -- sliders -------------------------------------------------------------------------------
def section_sliders(sec: Section, ctx: dict):
    from slider_latency import measure
    from rnn_lib.explorers import ALL

    n = 5 if sec.quick else 60
    rows = []
    for i, (name, make) in enumerate(ALL.items()):
        static = not sec.quick or i == 0
        runs = [measure(make, n, np.random.default_rng(k), static=static)
                for k in range(sec.repeat)]
        times = [t for r in runs for t in r["times"]]
        m, p95 = 1e3 * np.median(times), 1e3 * np.percentile(times, 95)
        if static:
            r = runs[-1]
            st = [r["format"], r["frames"], kib(r["frame_bytes"]), kib(r["html_bytes"]),
                  f"{med([x['static_s'] for x in runs]):.1f}"]
        else:
            st = ["—"] * 5
        rows.append([name, len(times), f"{m:.0f}", f"{p95:.0f}",
                     verdict(m, TARGET["slider_ms"], sec.quick),
                     f"{med([x['make_s'] for x in runs]):.2f}"] + st)
    sec.add(f"Live: one slider move in a kernel (update the artists, draw, JPEG), over {n} random "
            f"positions of the figure's live grid per run. Static: the website's frames "
            "(overlays on a still background: SVG text for line figures, lossless WebP for "
            "images and for figures whose SVG would outgrow the budget; `frame KiB` is the SVG "
            "text or the WebP bytes before base64) and the figure's HTML; `static face (s)` is "
            "the time to compute them, which the book build pays once per figure."
            + (" --quick computes the static face of the first figure only."
               if sec.quick else "")
            + "\n\n" + table(["figure", "moves", "live median (ms)", "live p95 (ms)",
                              f"≤ {TARGET['slider_ms']:.0f} ms", "set-up (s)", "frames as",
                              "static frames",
                              "frame KiB", "HTML KiB", "static face (s)"], rows))


# -- pages ---------------------------------------------------------------------------------
class _Refs(html.parser.HTMLParser):
    """Every resource a page makes the browser load (not the links it merely shows)."""

    LOADS = {"img": ["src", "srcset"], "source": ["src", "srcset"], "script": ["src"],
             "video": ["src", "poster"], "audio": ["src"], "iframe": ["src"],
             "embed": ["src"], "object": ["data"], "input": ["src"]}
    LINK_RELS = {"stylesheet", "preload", "modulepreload", "icon", "shortcut"}

    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link":
            if set((a.get("rel") or "").lower().split()) & self.LINK_RELS and a.get("href"):
                self.refs.append(a["href"])
            return
        for attr in self.LOADS.get(tag, []):
            v = a.get(attr)
            if not v:
                continue
            if attr == "srcset":
                self.refs += [part.strip().split()[0] for part in v.split(",") if part.strip()]
            else:
                self.refs.append(v)


def local_refs(page: Path, site: Path) -> set[Path]:
    p = _Refs()
    p.feed(page.read_text(encoding="utf-8", errors="replace"))
    out = set()
    for ref in p.refs:
        if ref.startswith(("data:", "#", "mailto:")) or urlsplit(ref).scheme:
            continue
        f = (page.parent / unquote(urlsplit(ref).path)).resolve()
        if f.is_file() and site.resolve() in f.parents:
            out.add(f)
    return out


def css_fonts(css: Path, site: Path) -> set[Path]:
    """woff2 fonts and images a stylesheet points at (the formats a browser fetches)."""
    out = set()
    text = css.read_text(encoding="utf-8", errors="replace")
    for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", text):
        if ref.startswith("data:") or urlsplit(ref).scheme:
            continue
        if not re.search(r"\.(woff2|png|svg|gif|jpe?g|webp)$", urlsplit(ref).path):
            continue
        f = (css.parent / unquote(urlsplit(ref).path)).resolve()
        if f.is_file() and site.resolve() in f.parents:
            out.add(f)
    return out


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def section_pages(sec: Section, ctx: dict):
    site = ctx.get("site")
    if site is None:
        work = Path(tempfile.mkdtemp(prefix="rnnbook-pages-"))
        ctx["work"] = work
        book = copy_book(work / "book", sec.quick)
        b = timed_build(book)
        if b["rc"] != 0:
            sec.ok = False
            sec.add("The build for this section failed.")
            return
        site = book / "_build" / "html"
        sec.add(f"(Built the site for this section: {b['seconds']:.0f} s.)")
    site = Path(site)
    static = (site / "_static").resolve()
    pages = sorted((site / "chapters").glob("*.html"))
    page_refs = {p: local_refs(p, site) for p in pages}
    for p in [site / "index.html"]:
        if p.exists():
            page_refs[p] = local_refs(p, site)
    # Shared: under _static/, or loaded by every page (e.g. searchindex.js).
    everywhere = set.intersection(*page_refs.values()) if page_refs else set()
    shared = set()
    rows = []
    for p, refs in page_refs.items():
        own = [f for f in refs if static not in f.parents and f not in everywhere]
        shared |= refs - set(own)
        raw = p.stat().st_size + sum(f.stat().st_size for f in own)
        zipped = gz(p) + sum(gz(f) for f in own)
        html_b = p.stat().st_size
        rel = p.relative_to(site).as_posix()
        rows.append([f"`{rel}`", kib(html_b), len(own), kib(raw - html_b), kib(raw), kib(zipped),
                     f"≤ {TARGET['page_bytes'] / 1e6:.0f} MB",
                     verdict(raw, TARGET["page_bytes"], False)])
    sec.add("A page's own bytes: its HTML (with the slider frames inline as data URIs) and "
            "the images it loads from outside `_static/`; gzip -6 as a server would send them. "
            "Page weight is not a timing, so --quick judges it too (a quick build executes one "
            "notebook, so its other pages have no outputs).\n\n"
            + table(["page", "HTML KiB", "images", "images KiB", "total KiB", "gzip KiB",
                     "target", ""], rows))
    for css in [f for f in list(shared) if f.suffix == ".css"]:
        shared |= css_fonts(css, site)
    mathjax_fonts = set()
    if any("mathjax" in f.as_posix() for f in shared):
        d = static / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
        if d.is_dir():
            mathjax_fonts = set(d.glob("*.woff"))
    groups = {}
    for f in shared:
        ext = f.suffix.lower().lstrip(".")
        kind = {"js": "JavaScript", "css": "CSS", "woff2": "fonts",
                "woff": "fonts"}.get(ext, "images, other")
        groups.setdefault(kind, []).append(f)
    rows = []
    total_raw = total_gz = 0
    for kind, files in sorted(groups.items()):
        raw, z = sum(f.stat().st_size for f in files), sum(gz(f) for f in files)
        total_raw, total_gz = total_raw + raw, total_gz + z
        rows.append([kind, len(files), kib(raw), kib(z)])
    biggest = sorted(shared, key=lambda f: -f.stat().st_size)[:5]
    rows.append(["**all shared, loaded by the pages**", len(shared), f"**{kib(total_raw)}**",
                 f"**{kib(total_gz)}**"])
    if mathjax_fonts:
        rows.append(["MathJax fonts it may fetch (all of them; a page takes the ones it uses)",
                     len(mathjax_fonts), kib(sum(f.stat().st_size for f in mathjax_fonts)),
                     kib(sum(gz(f) for f in mathjax_fonts))])
    sec.add("Shared assets, counted once: the `_static/` files the pages load (scripts, "
            "stylesheets, preloads, icon), the woff2 fonts and images their stylesheets name, "
            "and files every page loads (the search index).\n\n"
            + table(["kind", "files", "raw KiB", "gzip KiB"], rows)
            + "\n\nLargest: " + ", ".join(f"`{f.relative_to(site.resolve()).as_posix()}` "
                                         f"{kib(f.stat().st_size)} KiB" for f in biggest) + ".")


# -- library -------------------------------------------------------------------------------
def per_call(fn, repeat, min_time) -> list[float]:
    """Seconds per call of fn: ``repeat`` timings, each of enough calls to last min_time."""
    fn()
    n, t = 1, 0.0
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        t = time.perf_counter() - t0
        if t >= min_time:
            break
        n = max(2 * n, int(n * min_time / max(t, 1e-9)) + 1)
    out = [t / n]
    for _ in range(repeat - 1):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        out.append((time.perf_counter() - t0) / n)
    return out


def torch_problem(torch, params, U, target):
    """torch.nn.RNN + Linear with rnn_lib's weights (b_hh = 0), and its loss + backward."""
    W_xx, W_xu, W_yx, b_x, b_y = params
    n_x, n_u = W_xu.shape
    n_y = W_yx.shape[0]
    rnn = torch.nn.RNN(n_u, n_x, nonlinearity="tanh", dtype=torch.float64)   # time-major
    lin = torch.nn.Linear(n_x, n_y, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(torch.from_numpy(W_xx))
        rnn.weight_ih_l0.copy_(torch.from_numpy(W_xu))
        rnn.bias_ih_l0.copy_(torch.from_numpy(b_x))
        rnn.bias_hh_l0.zero_()
        lin.weight.copy_(torch.from_numpy(W_yx))
        lin.bias.copy_(torch.from_numpy(b_y))
    Ut, Yt = torch.from_numpy(U), torch.from_numpy(target)
    B = U.shape[1]
    params_t = [rnn.weight_hh_l0, rnn.weight_ih_l0, lin.weight, rnn.bias_ih_l0, lin.bias]

    def step():
        for p in params_t + [rnn.bias_hh_l0]:
            p.grad = None
        X, _ = rnn(Ut)                                     # (T, B, n_x), x_init = 0
        Y = lin(X)                                         # (T, B, n_y)
        loss = 0.5 * ((Y - Yt) ** 2).sum() / B             # rnn_lib's mse
        loss.backward()
        return loss
    return step, params_t


SIZES = [dict(T=100, B=64, n_x=32, n_u=1, n_y=1), dict(T=1000, B=1, n_x=8, n_u=1, n_y=1)]


def library_measure(repeat: int, min_time: float) -> list[dict]:
    """rnn_lib and torch at SIZES in this process (its BLAS threads are set by its env)."""
    import rnn_lib as rl
    try:
        import torch
    except ImportError:
        torch = None
    out = []
    for sz in SIZES:
        rng = np.random.default_rng(0)
        T, B, n_x, n_u, n_y = sz["T"], sz["B"], sz["n_x"], sz["n_u"], sz["n_y"]
        params = rl.init_params(n_x, n_u, n_y, rng, spectral_radius=0.9)
        params = params._replace(b_x=0.1 * rng.standard_normal(n_x),
                                 b_y=0.1 * rng.standard_normal(n_y))
        U = rng.standard_normal((T, B, n_u))                  # (T, B, n_u), time-major
        target = rng.standard_normal((T, B, n_y))

        def ours():
            return rl.loss_and_gradients(params, U, target, loss="mse")
        row = {"size": f"T={T}, B={B}, n_x={n_x}, n_u={n_u}, n_y={n_y}",
               "ours": per_call(ours, repeat, min_time)}
        L, g, _ = ours()
        if torch is not None:
            default_threads = torch.get_num_threads()
            row["torch_default_threads"] = default_threads
            row["torch"] = {}
            for threads in sorted({1, default_threads}):
                torch.set_num_threads(threads)
                step, _ = torch_problem(torch, params, U, target)
                row["torch"][threads] = per_call(step, repeat, min_time)
            torch.set_num_threads(default_threads)
            step, params_t = torch_problem(torch, params, U, target)
            Lt = float(step().detach())
            row["loss_err"] = abs(L - Lt) / max(abs(L), 1e-300)
            row["grad_err"] = [rl.relative_error(a, p.grad.numpy())
                               for a, p in zip(g.params, params_t)]
        out.append(row)
    return out


def section_library(sec: Section, ctx: dict):
    repeat = sec.repeat
    min_time = 0.05 if sec.quick else 0.5
    # numpy's BLAS (OpenBLAS) threads are fixed when numpy loads: one worker per setting.
    settings = [("default", {}), ("1", {"OPENBLAS_NUM_THREADS": "1"})]
    if sec.quick:                                  # the same code path, once
        settings = settings[:1]
    results = {}
    for label, env in settings:
        env = dict(os.environ, **env)
        if label == "default":
            env.pop("OPENBLAS_NUM_THREADS", None)
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--library-worker",
                               json.dumps({"repeat": repeat, "min_time": min_time})],
                              env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"library worker failed:\n{proc.stderr[-3000:]}")
        results[label] = json.loads(proc.stdout.strip().splitlines()[-1])
    rows, grad_rows = [], []
    for i in range(len(SIZES)):
        for label, _ in settings:
            r = results[label][i]
            t_ours = med(r["ours"])
            row = [r["size"], label, f"{1e3 * t_ours:.2f}"]
            if "torch" not in r:
                rows.append(row + ["torch not installed", "—", "—", "—"])
                continue
            t = {int(k): med(v) for k, v in r["torch"].items()}
            n_def = r["torch_default_threads"]
            ratio = t_ours / min(t.values())
            rows.append(row + [f"{1e3 * t[1]:.2f}", f"{1e3 * t[n_def]:.2f} ({n_def} threads)",
                               f"{ratio:.2f}", verdict(ratio, TARGET["torch_ratio"], sec.quick)])
        r = results["default"][i]
        if "grad_err" in r:
            worst = max(r["grad_err"])
            v = verdict(worst, TARGET["grad_rel"], False)
            grad_rows.append([r["size"], f"{r['loss_err']:.1e}"]
                             + [f"{e:.1e}" for e in r["grad_err"]]
                             + [v if v == "pass" else f"**MISS** ({worst:.1e})"])
    sec.add("One call = forward pass, loss 1/2 Σ_t ‖y_t − y*_t‖² / B over all steps, and every "
            "parameter's gradient; float64, x_init = 0. `rnn_lib`: `rl.loss_and_gradients(..., "
            "loss='mse')`. torch: `nn.RNN(tanh)` + `nn.Linear` with the same weights "
            "(`b_ih = b_x`, `b_hh = 0`), forward + `loss.backward()`. Median milliseconds per "
            f"call over {repeat} run(s), in a fresh process per numpy BLAS setting "
            "(`OPENBLAS_NUM_THREADS` unset, or 1); the ratio is against torch's faster thread "
            "setting in the same process.\n\n"
            + table(["size", "numpy BLAS threads", "rnn_lib (ms)", "torch, 1 thread (ms)",
                     "torch, default (ms)", "rnn_lib / torch", f"≤ {TARGET['torch_ratio']}"],
                    rows))
    if grad_rows:
        sec.add("Agreement with torch (relative error max|a − b| / max(|a|, |b|), default "
                "threads):\n\n"
                + table(["size", "loss", "dW_xx", "dW_xu", "dW_yx", "db_x", "db_y",
                         f"≤ {TARGET['grad_rel']:.0e}"], grad_rows))


# -- chapter 5 -------------------------------------------------------------------------------
def section_chapter5(sec: Section, ctx: dict):
    path = HERE / "ch5_training.py"
    if not path.exists():
        sec.add("`benchmarks/ch5_training.py` does not exist yet: nothing to measure. It should "
                "define `measure()` returning rows `{\"model\", \"seconds\", \"score\", "
                "\"target\"}` (optionally `\"passed\"`, `\"note\"`).")
        return
    spec = importlib.util.spec_from_file_location("ch5_training", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    kwargs = {}
    sig = inspect.signature(mod.measure)
    if "quick" in sig.parameters:
        kwargs["quick"] = sec.quick
    if "repeat" in sig.parameters:
        kwargs["repeat"] = sec.repeat
    rows = []
    for r in mod.measure(**kwargs):
        passed = r.get("passed")
        rows.append([r.get("model", "?"), f"{float(r.get('seconds', float('nan'))):.1f}",
                     r.get("score", "—"), r.get("target", "—"),
                     "—" if passed is None else ("pass" if passed else "**MISS**"),
                     r.get("note", "")])
    sec.add("From `benchmarks/ch5_training.py`'s `measure()`.\n\n"
            + table(["model", "seconds", "score", "target", "", "note"], rows))


# -- the file --------------------------------------------------------------------------------
def read_sections(path: Path) -> dict:
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    return {m.group(1): m.group(0) for m in
            re.finditer(r"<!-- section:(\w+) -->.*?<!-- /section:\1 -->", text, re.S)}


def write_results(path: Path, new: dict, argv: list[str]):
    old = read_sections(path)
    merged = {name: new.get(name, old.get(name)) for name in SECTIONS}
    head = ["# Benchmarks", "",
            "<!-- Written by benchmarks/run.py; edit the script, not this file. -->",
            "Made with `python benchmarks/run.py` (this run: `python benchmarks/run.py "
            + " ".join(argv) + "`). Medians of several runs; every section says when it was "
            "measured, how often, and how busy the machine was. This is a shared 2-core "
            "machine: timings move by tens of percent from run to run.", "",
            "## Machine and versions", "",
            table(["", ""], machine() + versions()), ""]
    body = [s for s in (merged[n] for n in SECTIONS) if s]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(head) + "\n" + "\n\n".join(body) + "\n", encoding="utf-8")


RUNNERS = {"build": section_build, "cells": section_cells, "pytest": section_pytest,
           "sliders": section_sliders, "pages": section_pages, "library": section_library,
           "chapter5": section_chapter5}


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
    ap.add_argument("--keep", action="store_true", help="keep the temporary book copies")
    ap.add_argument("--library-worker", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.library_worker:                        # a child of the library section
        print(json.dumps(library_measure(**json.loads(args.library_worker))))
        return 0
    repeat = 1 if args.quick else (args.repeat or 3)
    if args.quick and args.repeat not in (None, 1):
        ap.error("--quick runs once; drop --repeat")
    chosen = (SECTIONS if args.only is None
              else [s.strip() for s in args.only.split(",") if s.strip()])
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        ap.error(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    out = Path(args.out or (HERE / "_out" / "RESULTS-quick.md" if args.quick
                            else HERE / "RESULTS.md"))
    ctx = {"site": Path(args.site) if args.site else None}
    done, failed = {}, []
    t_start = time.perf_counter()
    try:
        for name in [s for s in SECTIONS if s in chosen]:
            print(f"\n=== {name} ===", flush=True)
            sec = Section(name, args.quick, repeat)
            try:
                RUNNERS[name](sec, ctx)
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
        if ctx.get("work") and not args.keep:
            shutil.rmtree(ctx["work"], ignore_errors=True)
    print(f"\nwrote {out} in {time.perf_counter() - t_start:.0f} s"
          + (f"; sections that failed to run: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
