"""The maths of rnn_lib never loads matplotlib: only the figure modules draw.

A reader (or a script, a benchmark, a build step) that uses the library's algorithms
should not pay for, or depend on, a plotting package. Every module of the package is
found by walking it, so a new module is checked as soon as it exists; the figure
modules are the one explicit exception.
"""
import pkgutil
import subprocess
import sys
from pathlib import Path

import rnn_lib

#: modules that draw (and their subpackages): everything else is maths
FIGURE_MODULES = ("rnn_lib.interactive", "rnn_lib.svg_frames", "rnn_lib.plotting",
                  "rnn_lib.diagrams", "rnn_lib.explorers")


def _modules(path, prefix):
    """Every module and subpackage under ``path``, found on disk without importing it."""
    for info in pkgutil.iter_modules(path, prefix):
        yield info.name
        if info.ispkg:
            yield from _modules([str(Path(path[0]) / info.name.rsplit(".", 1)[1])],
                                info.name + ".")


def _is_figure(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FIGURE_MODULES)


MATHS = ["rnn_lib"] + sorted(m for m in _modules(rnn_lib.__path__, "rnn_lib.")
                             if not _is_figure(m))

CHECK = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
    loaded = sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib")
    if loaded:
        sys.exit(f"importing {name} loaded matplotlib ({loaded[0]}, ...)")
"""


def test_the_walk_finds_the_maths_and_the_figures():
    found = set(_modules(rnn_lib.__path__, "rnn_lib."))
    assert {"rnn_lib.elman", "rnn_lib.bptt", "rnn_lib.rnn_dynamics",
            "rnn_lib.datasets.prices"} <= set(MATHS)
    assert {"rnn_lib.plotting", "rnn_lib.explorers.first_order"} <= found - set(MATHS)
    for figure in FIGURE_MODULES:                   # the exceptions exist
        assert figure in found, figure


def test_importing_the_maths_modules_never_imports_matplotlib():
    """All maths modules, one after the other, in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", CHECK, *MATHS], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
