"""One-to-many recipes: a waveform generated from one input, and a caption from one
image."""
from __future__ import annotations

import numpy as np

from .. import datasets as ds
from .. import seq2seq as s2s
from .. import sequences as sq
from .._checks import as_int
from ..bptt import loss_and_gradients
from ..elman import Params, forward, init_params
from ..train import minibatches
from ._run import Run, _decode_all, _fit


# -- one-to-many --------------------------------------------------------------------------
def one_input(inputs, T: int) -> np.ndarray:
    """The one-to-many input sequence: u_0 = v, then u_t = 0 for t = 1..T-1.

    inputs (B, n_u) -> U (T, B, n_u). Everything after step 0 must come from the
    state: x_t = sigma(W_xx x_{t-1} + b_x) is the only memory of v.
    """
    inputs = np.asarray(inputs, dtype=float)
    U = np.zeros((as_int(T, "T", minimum=1),) + inputs.shape)
    U[0] = inputs
    return U


def generate_wave(model: Params, kind: str, freq: float, length: int):
    """Run the one-to-many RNN for ``length`` steps from the input of one wave.

    u_0 = ``datasets.wave_input(kind, freq)``, u_t = 0 afterwards (``one_input``).

    Returns
    -------
    y : ndarray, shape (length,), the outputs y_0 .. y_{length-1}
    X : ndarray, shape (length, n_x), the states x_0 .. x_{length-1}
    """
    U = one_input(ds.wave_input(kind, freq)[None], length)            # (length, 1, n_u)
    tr = forward(model, U)
    return tr.Y[:, 0, 0], tr.X[:, 0]


def waveform(seed: int = 0, *, n_train: int = 1000, n_val: int = 200, n_test: int = 300,
             T: int = 30, n_x: int = 24, steps: int = 1000) -> Run:
    """Generate a whole waveform from one input vector (one-to-many).

    The input at step 0 says which kind of wave (sine, triangle, square) and which
    frequency; the inputs after it are zero, and the RNN emits y_0..y_{T-1}. Score:
    test mean squared error per step (lower is better). Baselines without a state:
    the average training wave, which ignores the input; a lookup in the training
    waves (``datasets.nearest_wave_baseline``); and a table of evenly spaced waves
    that stores about as many numbers as the RNN has parameters
    (``datasets.wave_table``), read by the same lookup and by interpolating between
    the two nearest waves (``datasets.interpolated_wave_baseline``).
    """
    seed = as_int(seed, "seed", minimum=0)
    w = ds.waveforms(n_train + n_val + n_test, np.random.default_rng(seed), T=T)
    U = one_input(w.inputs, T)
    target = w.Y.T[:, :, None]                                   # (T, n, 1)
    tr, va, te = (np.arange(n_train), np.arange(n_train, n_train + n_val),
                  np.arange(n_train + n_val, len(w.Y)))

    def objective(params, idx):
        L, g, _ = loss_and_gradients(params, U[:, idx], target[:, idx])
        return L, g.params

    def mse(params, idx=va):
        return float(np.mean((forward(params, U[:, idx]).Y - target[:, idx]) ** 2))

    params = init_params(n_x, U.shape[-1], 1, np.random.default_rng(seed + 1))
    params, hist, sec = _fit(params, minibatches(n_train, 32, np.random.default_rng(seed + 2)),
                             steps, objective, mse, eval_every=100, patience=4,
                             higher_is_better=False)
    err = lambda Y: float(np.mean((Y - w.Y[te]) ** 2))          # noqa: E731
    per_kind = params.n_params // (T + 1) // len(ds.WAVE_KINDS)   # a table of the RNN's size
    table = ds.wave_table(per_kind, T)
    small = ds.nearest_wave_baseline(*table, w.kinds[te], w.freqs[te])
    mixed = ds.interpolated_wave_baseline(*table, w.kinds[te], w.freqs[te])
    lookup = ds.nearest_wave_baseline(w.kinds[tr], w.freqs[tr], w.Y[tr], w.kinds[te],
                                      w.freqs[te])
    return Run(params, hist, sec, mse(params, te),
               {"average wave": err(ds.mean_waveform_baseline(w.Y[tr], te.size)),
                "nearest training wave": err(lookup),
                f"table of {per_kind} waves per kind": err(small),
                "the same table, interpolated": err(mixed)},
               "test mean squared error per step (lower is better)",
               {"inputs": w.inputs[te], "kinds": w.kinds[te], "freqs": w.freqs[te],
                "Y": w.Y[te], "T": T, "n_train": n_train, "table_per_kind": per_kind})


def captions(seed: int = 0, *, n_train: int = 2000, n_val: int = 300, n_test: int = 500,
             n_x: int = 32, steps: int = 1000) -> Run:
    """Caption images of two coloured shapes (``datasets.shape_scenes``): one-to-many.

    An encoder with a single step (T = 1) reads the image's 432 pixel values into the
    context c; from it the decoder writes the five-word caption and ``<eos>`` (teacher
    forcing in training, greedy decoding at test). Score: exact match on the test
    images. Baselines without recurrence: the most common training caption, and a
    linear read-out of the pixels for each word position
    (``datasets.pixel_linear_baseline``).
    """
    seed = as_int(seed, "seed", minimum=0)
    images, caps = ds.shape_scenes(n_train + n_val + n_test, np.random.default_rng(seed))
    U = images.reshape(1, len(images), -1)                      # (T = 1, n, 432)
    vocab = sq.Vocabulary(sorted({w for c in caps for w in c}))
    tgt = sq.pad([vocab.encode(c + [sq.EOS]) for c in caps])
    tr, va, te = (np.arange(n_train), np.arange(n_train, n_train + n_val),
                  np.arange(n_train + n_val, len(caps)))
    bos = vocab.index[sq.BOS]

    def objective(model, idx):
        return s2s.loss_and_gradients(model, U[:, idx], None, tgt.ids[:, idx],
                                      tgt.mask[:, idx], bos_id=bos)

    def exact(model, idx=va):
        return ds.exact_match(_decode_all(model, U[:, idx], None, vocab, max_len=6),
                              [caps[i] for i in idx])

    model = s2s.init_seq2seq(U.shape[-1], n_x, n_x, len(vocab), np.random.default_rng(seed + 1))
    model, hist, sec = _fit(model, minibatches(n_train, 32, np.random.default_rng(seed + 2)),
                            steps, objective, exact, eval_every=100, patience=10,
                            stop_at=1.0)
    truth = [caps[i] for i in te]
    predicted = _decode_all(model, U[:, te], None, vocab, max_len=6)
    linear = ds.pixel_linear_baseline(images[tr], [caps[i] for i in tr], images[va],
                                      [caps[i] for i in va], images[te])
    return Run(model, hist, sec, ds.exact_match(predicted, truth),
               {"most common caption": ds.exact_match(
                   ds.caption_majority_baseline([caps[i] for i in tr], te.size), truth),
                "pixels, linear": ds.exact_match(linear, truth)},
               "exact match of the test captions (higher is better)",
               {"images": images[te], "captions": truth, "predicted": predicted})
