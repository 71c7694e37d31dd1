"""Process settings for everything that runs the book's code to time or check it.

The book build's kernels (``book_build.py`` puts these into its environment before any
kernel starts), the tests' notebook kernels (``tests/conftest.py``) and the benchmarks
(``benchmarks/run.py`` and ``compare.py`` re-run themselves with them) all use these
values. They are read when a process starts, so they go into the environment of the
processes still to come. A reader's own Jupyter kernel runs without them: same code,
same results, only slower on a machine like ours.

- ``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_`` (glibc): by default an array over
  128 KiB gets fresh pages from the kernel (mmap) and hands them back when freed, so
  every (T, B, n_x) temporary of a forward or backward pass pays page faults again.
  With both thresholds at 256 MiB, freed memory is reused.
- ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``: one BLAS thread. The book's matrices
  are small (n_x <= 64): a thread pool costs more than it gives, and the build runs two
  kernels side by side on two cores.

Measured side by side (``benchmarks/RESULTS.md``, "What we tried"): see the numbers there.
"""
import os

PROCESS_ENV = {
    "MALLOC_MMAP_THRESHOLD_": "268435456",
    "MALLOC_TRIM_THRESHOLD_": "268435456",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}


def apply(environ=os.environ):
    """Put the settings into ``environ`` (a value already there wins) and return it."""
    for name, value in PROCESS_ENV.items():
        environ.setdefault(name, value)
    return environ


def applied(environ=os.environ) -> bool:
    """Whether ``environ`` has every setting (with any value)."""
    return all(name in environ for name in PROCESS_ENV)
