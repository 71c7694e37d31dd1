"""The book's figures, one module per subject: slider figures (``*_explorer``) and static
ones (``plot_*``).

``ALL`` maps a name to a zero-argument function that makes each slider figure: every
public function named ``<name>_explorer`` defined in a module of this package, found
by walking the package, so a new figure is in ``ALL`` as soon as it exists. The tests
draw every frame of every one, and the benchmarks time them. Each explorer must
therefore work with no arguments (those that show a trained model train a small demo
run of their recipe).
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil

SUFFIX = "_explorer"


def _discover() -> dict:
    found: dict = {}
    for info in pkgutil.iter_modules(__path__, __name__ + "."):
        module = importlib.import_module(info.name)
        for fname, func in inspect.getmembers(module, inspect.isfunction):
            if (fname.endswith(SUFFIX) and not fname.startswith("_")
                    and func.__module__ == module.__name__):      # defined here, not imported
                key = fname[:-len(SUFFIX)]
                if key in found:
                    raise RuntimeError(f"two explorers are named {fname}: in "
                                       f"{found[key].__module__} and {module.__name__}")
                found[key] = func
    return dict(sorted(found.items()))


#: name -> function making the Explorer, e.g. ALL["cobweb"]() is cobweb_explorer()
ALL = _discover()

__all__ = ["ALL"]
