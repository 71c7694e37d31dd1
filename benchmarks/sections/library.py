"""``rnn_lib`` forward + BPTT against ``torch.nn.RNN`` + ``nn.Linear`` forward + backward:
float64, one thread, the same weights, in the same process (run with the book's process
settings, ``_ext/process_env.py``: numpy's one BLAS thread comes from there)."""
from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time

import numpy as np

from .common import HERE, med, table, verdict

TITLE = "rnn_lib against torch.nn.RNN"
TARGET_RATIO, TARGET_GRAD = 0.5, 1e-10
SIZES = [dict(T=100, B=64, n_x=32, n_u=1, n_y=1), dict(T=1000, B=1, n_x=8, n_u=1, n_y=1)]


def per_call(fn, repeat, min_time) -> list[float]:
    """Seconds per call of fn: ``repeat`` timings, each of enough calls to last min_time."""
    fn()
    n = 1
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


def torch_step(torch, params, U, target):
    """torch.nn.RNN + Linear with rnn_lib's weights (b_hh = 0): loss + backward, and the
    parameters in rnn_lib's order."""
    W_xx, W_xu, W_yx, b_x, b_y = params
    n_x, n_u = W_xu.shape
    rnn = torch.nn.RNN(n_u, n_x, nonlinearity="tanh", dtype=torch.float64)   # time-major
    lin = torch.nn.Linear(n_x, W_yx.shape[0], dtype=torch.float64)
    with torch.no_grad():
        for p, v in [(rnn.weight_hh_l0, W_xx), (rnn.weight_ih_l0, W_xu), (rnn.bias_ih_l0, b_x),
                     (lin.weight, W_yx), (lin.bias, b_y)]:
            p.copy_(torch.from_numpy(v))
        rnn.bias_hh_l0.zero_()
    Ut, Yt = torch.from_numpy(U), torch.from_numpy(target)
    ordered = [rnn.weight_hh_l0, rnn.weight_ih_l0, lin.weight, rnn.bias_ih_l0, lin.bias]

    def step():
        for p in ordered + [rnn.bias_hh_l0]:
            p.grad = None
        X, _ = rnn(Ut)                                     # (T, B, n_x), x_init = 0
        loss = 0.5 * ((lin(X) - Yt) ** 2).sum() / U.shape[1]   # rnn_lib's mse
        loss.backward()
        return loss
    return step, ordered


def measure(repeat: int = 3, min_time: float = 0.5) -> list[dict]:
    """rnn_lib and (when installed) torch at SIZES, in this process, one thread each."""
    import rnn_lib as rl
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        torch = None
    out = []
    for sz in SIZES:
        rng = np.random.default_rng(0)
        T, B, n_x, n_u, n_y = (sz[k] for k in ("T", "B", "n_x", "n_u", "n_y"))
        params = rl.init_params(n_x, n_u, n_y, rng, spectral_radius=0.9)
        params = params._replace(b_x=0.1 * rng.standard_normal(n_x),
                                 b_y=0.1 * rng.standard_normal(n_y))
        U = rng.standard_normal((T, B, n_u))                  # (T, B, n_u), time-major
        target = rng.standard_normal((T, B, n_y))
        ours = functools.partial(rl.loss_and_gradients, params, U, target, loss="mse")
        row = {"size": ", ".join(f"{k}={v}" for k, v in sz.items()), "library": rl.__file__,
               "ours": per_call(ours, repeat, min_time)}
        if torch is not None:
            step, ordered = torch_step(torch, params, U, target)
            row["torch"] = per_call(step, repeat, min_time)
            loss, grads = ours()[:2]
            row["loss_err"] = rl.relative_error(loss, float(step().detach()))
            row["grad_err"] = [rl.relative_error(a, p.grad.numpy())
                               for a, p in zip(grads.params, ordered)]
        out.append(row)
    return out


def worker(pythonpath=None, repeat=3, min_time=0.5, env=None) -> list[dict]:
    """``measure`` in a fresh process with the process settings (and ``pythonpath`` first
    on its path, to time another checkout's rnn_lib)."""
    sys.path.insert(0, str(HERE.parent / "_ext"))
    import process_env
    env = process_env.apply(dict(os.environ if env is None else env))
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath)] + [env.get("PYTHONPATH", "")])
    code = ("import json, sys; sys.path.insert(0, %r); from sections.library import measure; "
            "print(json.dumps(measure(%d, %r)))" % (str(HERE), repeat, min_time))
    # cwd: "python -c" puts it first on sys.path, before PYTHONPATH
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          cwd=pythonpath or HERE.parent)
    if proc.returncode != 0:
        raise RuntimeError(f"library worker failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(sec, ctx):
    rows, grad_rows = [], []
    for r in worker(repeat=sec.repeat, min_time=0.05 if sec.quick else 0.5):
        t_ours = med(r["ours"])
        if "torch" not in r:
            rows.append([r["size"], f"{1e3 * t_ours:.2f}", "torch not installed", "—", "—"])
            continue
        ratio = t_ours / med(r["torch"])
        rows.append([r["size"], f"{1e3 * t_ours:.2f}", f"{1e3 * med(r['torch']):.2f}",
                     f"{ratio:.2f}", verdict(ratio, TARGET_RATIO, sec.quick)])
        worst = max(r["grad_err"])
        grad_rows.append([r["size"], f"{r['loss_err']:.1e}"]
                         + [f"{e:.1e}" for e in r["grad_err"]]
                         + [verdict(worst, TARGET_GRAD, False)])
    sec.add("One call = forward pass, loss 1/2 Σ_t ‖y_t − y*_t‖² / B over all steps, and every "
            "parameter's gradient; float64, x_init = 0, one thread. `rnn_lib`: "
            "`rl.loss_and_gradients(..., loss='mse')`. torch: `nn.RNN(tanh)` + `nn.Linear` "
            "with the same weights (`b_ih = b_x`, `b_hh = 0`), forward + `loss.backward()`, "
            "`torch.set_num_threads(1)`. Both in one process with the book's process settings "
            f"(`_ext/process_env.py`); median milliseconds per call over {sec.repeat} run(s).\n\n"
            + table(["size", "rnn_lib (ms)", "torch (ms)", "rnn_lib / torch",
                     f"≤ {TARGET_RATIO}"], rows))
    if grad_rows:
        sec.add("Agreement with torch (relative error max|a − b| / max(|a|, |b|)):\n\n"
                + table(["size", "loss", "dW_xx", "dW_xu", "dW_yx", "db_x", "db_y",
                         f"≤ {TARGET_GRAD:.0e}"], grad_rows))
