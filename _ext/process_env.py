"""Process settings for everything that runs the book's code to time or check it.

The book build's kernels (``book_build.py`` puts these into its environment before any
kernel starts), the tests' notebook kernels (``tests/conftest.py``) and the benchmarks
(``benchmarks/run.py`` re-runs itself with them; ``compare.py``'s timing workers get
them too) use these values. They are read when a process starts, so they go into the
environment of the processes still to come. A reader's own Jupyter kernel runs without
them: same code, same results, only slower on a machine like ours.

- ``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_`` (glibc): by default an array over
  128 KiB gets fresh pages from the kernel (mmap) and hands them back when freed, so
  every (T, B, n_x) temporary of a forward or backward pass pays page faults again.
  With both thresholds at 256 MiB, freed memory is reused.
- ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``: one BLAS thread. The book's matrices
  are small (n_x <= 64): a thread pool costs more than it gives, and the build runs two
  kernels side by side on two cores.

Measured side by side (2026-12-06, commit f5645a8, 2 cores, load 1.6-2; fresh processes
taking turns; ``benchmarks/sections/library.py``'s forward + BPTT, ms per call):

- allocator, at (T=100, B=64, n_x=32): rnn_lib 10.7 ms by default, 6.1 ms with the
  thresholds (medians of 4 pairs, 1.5-2.0x in every pair); torch.nn.RNN in the same
  processes 11.1 and 9.6 ms. At (T=1000, B=1, n_x=8) no difference (arrays too small).
- BLAS threads, same size: 6.7 ms with OpenBLAS's default two threads, 7.0 ms with one
  (medians of 3), but one of the three two-thread runs took 150 ms: its threads spin
  while another process holds the second core.
- chapters 4 and 5 executed with and without all four settings (nbconvert, static
  faces, 3 pairs each): 10.2 / 11.8 s and 15.7 / 16.6 s, within the noise: their time
  is figures, not BPTT, on a quiet machine.
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
