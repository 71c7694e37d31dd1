"""What every benchmark section shares: tables, medians, the machine, a copy of the book
and a timed build."""
from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parents[1]              # benchmarks/
ROOT = HERE.parent
#: what a copy of the book leaves out
COPY_IGNORE = shutil.ignore_patterns("_build", ".git", ".venv", "venv", "__pycache__",
                                     "*.egg-info", ".ipynb_checkpoints", ".pytest_cache",
                                     "node_modules", "_out")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: where build logs go (git ignores benchmarks/_out/)
LOGS = HERE / "_out"


def load() -> str:
    try:
        return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "?"


def med(xs) -> float:
    xs = [x for x in xs if x is not None]
    return float(np.median(xs)) if xs else float("nan")


def verdict(value, target, quick) -> str:
    if value is None or value != value:                 # None or nan
        return "—"
    if quick:
        return "(quick: not judged)"
    return "pass" if value <= target else "**MISS**"


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


def commit(root: Path) -> str:
    """The short commit of ``root``, marked when its files differ from it (read-only)."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                             capture_output=True, text=True).stdout.strip() or "?"
        dirty = subprocess.run(["git", "--no-optional-locks", "status", "--porcelain"],
                               cwd=root, capture_output=True, text=True).stdout.strip()
        return out + (" (with uncommitted changes)" if dirty else "")
    except OSError:
        return "?"


def machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or "?"
    try:
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    mem = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 2**20:.1f} GiB"
    except (OSError, AttributeError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [("CPU", f"{cpu}, {os.cpu_count()} cores ({usable} usable)"), ("memory", mem),
            ("OS", f"{platform.system()} {platform.release()} {platform.machine()}"),
            ("commit", commit(ROOT)), ("date", time.strftime("%Y-%m-%d %H:%M %Z"))]


class Section:
    """What one section produced: Markdown parts, and whether its code ran."""

    def __init__(self, name, title, quick, repeat):
        self.name, self.title, self.quick, self.repeat = name, title, quick, repeat
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
        body = "\n\n".join([f"## {self.title}", stamp] + self.parts)
        return f"<!-- section:{self.name} -->\n{body}\n<!-- /section:{self.name} -->"


# -- a copy of the book and its build -----------------------------------------------------
def copy_book(src: Path, dst: Path) -> Path:
    """A copy of the book at ``src`` (its working files, not its build) to build in."""
    shutil.copytree(src, dst, ignore=COPY_IGNORE)
    return dst


def jupyter_book() -> str:
    exe = Path(sys.executable).parent / "jupyter-book"
    return str(exe) if exe.exists() else (shutil.which("jupyter-book") or "jupyter-book")


def timed_build(book: Path, extra=(), env=None, out: Path | None = None) -> dict:
    """``jupyter-book build -W`` of ``book`` (into ``out``, default ``book/_build``): its
    exit code, seconds and log lines, each with the second it appeared."""
    cmd = [jupyter_book(), "build", "-W", *extra]
    if out is not None:
        cmd += ["--path-output", str(out)]
    env = dict(os.environ if env is None else env, PYTHONUNBUFFERED="1")
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd + [str(book)], cwd=book, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace")
    lines = [(time.perf_counter() - t0, ANSI.sub("", line.rstrip("\n"))) for line in proc.stdout]
    rc = proc.wait()
    return {"rc": rc, "seconds": time.perf_counter() - t0, "lines": lines}


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


def write_log(name: str, build: dict):
    LOGS.mkdir(parents=True, exist_ok=True)
    (LOGS / f"{name}.log").write_text("".join(f"{t:8.2f} {text}\n" for t, text in build["lines"]))
