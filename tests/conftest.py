"""Shared fixtures: small random problems, each from its own seeded generator.

Loaded before any test runs: the notebook kernels that nbval starts, and the
pytest-xdist workers, inherit the book's process settings (_ext/process_env.py) from
the environment set here.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
sys.path.insert(0, str(ROOT / "_take_home"))      # the take-home files' modules
import process_env  # noqa: E402  (the _ext folder is not a package)

process_env.apply()

import rnn_lib as rl  # noqa: E402


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def make_problem(rng, *, T=6, B=None, n_x=4, n_u=3, n_y=2, radius=1.1):
    """Random parameters (with non-zero biases) and inputs for gradient checks."""
    p = rl.init_params(n_x, n_u, n_y, rng, spectral_radius=radius)
    p = p._replace(b_x=0.3 * rng.standard_normal(n_x), b_y=0.3 * rng.standard_normal(n_y))
    batch = () if B is None else (B,)
    U = rng.standard_normal((T,) + batch + (n_u,))
    x_init = 0.5 * rng.standard_normal(batch + (n_x,))
    return p, U, x_init


#: the chapter pages, in the article's order
CHAPTERS = ["00_introduction", "01_first_order_systems", "02_state_space_model", "03_rnn",
            "04_bptt", "05_problem_types", "06_keeping_memory"]


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Build the whole book once per test session, cold, into a temporary folder.

    Returns the result of the build command and the folder with the HTML pages.
    """
    out = tmp_path_factory.mktemp("book")
    # The jupyter-book script of the interpreter running the tests (the venv's).
    exe = Path(sys.executable).parent / "jupyter-book"
    if not exe.exists():
        exe = shutil.which("jupyter-book")
    cmd = [str(exe), "build", "-W", "-n", "--keep-going", "--path-output", str(out), str(ROOT)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    return proc, out / "_build" / "html"


def pytest_collection_modifyitems(items):
    """The build and browser checks (test_site.py, the longest module) go first.

    Under pytest-xdist (``--dist loadscope --no-loadscope-reorder``, see pyproject.toml)
    one worker then builds the book while the other runs the notebooks and the unit
    tests, instead of the build starting last and running alone.
    """
    items.sort(key=lambda item: item.path.name != "test_site.py")    # stable: rest in order
