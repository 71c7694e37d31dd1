"""Encoder-decoder ("Seq2Seq") from two of the book's RNNs (chapter 5).

The article's remark that Seq2Seq is *many-to-one followed by one-to-many* is the
whole design:

- the **encoder** is a many-to-one RNN: it reads the source u_0..u_{T-1} (padding
  holds its state) and its one output, read at the last real step, is the
  *context* c = W_yx^enc x_last + b_y^enc, a vector of the decoder's state size;
- the **decoder** is a one-to-many RNN that starts from that context,
  x_{-1}^dec = c, reads the previous output token v_{s-1} (one-hot; ``<bos>`` at
  s = 0) and emits the distribution of the next token, p_s = softmax(z_s).

Training uses *teacher forcing*: the decoder reads the true previous token, so the
whole target is one forward pass and the loss is the cross-entropy summed over the
target steps. Its gradient reaches the encoder through the context:
dL/dc = dL/dx_{-1}^dec, which enters the encoder's backward pass as dL/dy at its
last step. At test time the decoder reads its own previous choice (greedy: the
most likely token; sampling: a draw from softmax(z_s / temperature)).

An image captioner is the same model with a one-step encoder that reads the image
as a single input vector (T = 1).

References: I. Sutskever, O. Vinyals & Q. V. Le, "Sequence to sequence learning with
neural networks", NeurIPS 2014; K. Cho et al., "Learning phrase representations
using RNN encoder-decoder for statistical machine translation", EMNLP 2014.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_int, as_positive_float, check_rng
from .activations import softmax
from .bptt import backward
from .bptt import loss_and_gradients as rnn_loss_and_gradients
from .elman import Params, Trace, check_params, forward, init_params
from .sequences import one_hot


class Seq2Seq(NamedTuple):
    """Encoder and decoder parameters (also used for their gradients).

    encoder : Params with W_xu (n_enc, n_in), W_yx (n_dec, n_enc): reads the source;
    decoder : Params with W_xu (n_dec, V), W_yx (V, n_dec): reads and emits tokens
              of a vocabulary of size V. Both use sigma = tanh.
    """

    encoder: Params
    decoder: Params


def init_seq2seq(n_in: int, n_enc: int, n_dec: int, vocab_size: int,
                 rng: np.random.Generator, *, spectral_radius: float = 0.9) -> Seq2Seq:
    """Random encoder (n_in -> n_enc -> context n_dec) and decoder (V -> n_dec -> V)."""
    enc = init_params(n_enc, n_in, n_dec, rng, spectral_radius=spectral_radius)
    dec = init_params(n_dec, vocab_size, vocab_size, rng, spectral_radius=spectral_radius)
    return Seq2Seq(enc, dec)


def check_seq2seq(model) -> Seq2Seq:
    """Return ``model`` with checked parts, or raise a clear error."""
    if not (isinstance(model, tuple) and len(model) == 2):
        raise TypeError("model must be Seq2Seq(encoder, decoder), got "
                        f"{type(model).__name__}")
    enc, dec = check_params(model[0]), check_params(model[1])
    n_dec, V, V_out = dec.sizes
    if enc.sizes[2] != n_dec:
        raise ValueError(f"the encoder's output (context) has {enc.sizes[2]} entries but the "
                         f"decoder's state has n_x = {n_dec}; they must match")
    if V != V_out:
        raise ValueError(f"the decoder must read and emit the same vocabulary, got {V} inputs "
                         f"and {V_out} outputs")
    return Seq2Seq(enc, dec)


def encode(model: Seq2Seq, U, lengths=None) -> tuple[np.ndarray, Trace]:
    """The context c = W_yx^enc x_last + b_y^enc of each source sequence.

    Parameters
    ----------
    U : (T, B, n_in) source inputs (padded; ``lengths`` (B,) gives the real lengths).

    Returns
    -------
    context : (B, n_dec)
    trace : the encoder's Trace
    """
    model = check_seq2seq(model)
    trace = forward(model.encoder, U, lengths=lengths)
    return trace.Y[-1], trace


def teacher_inputs(target_ids, bos_id: int) -> np.ndarray:
    """Decoder inputs for teacher forcing: ``<bos>`` then the target shifted by one.

    target_ids (S, B) -> (S, B) with row 0 = bos_id and row s = target_ids[s - 1].
    """
    target_ids = np.asarray(target_ids)
    if target_ids.ndim != 2 or not np.issubdtype(target_ids.dtype, np.integer):
        raise ValueError("target_ids must be a (S, B) integer array, got "
                         f"{target_ids.dtype} of shape {target_ids.shape}")
    inputs = np.empty_like(target_ids)
    inputs[0] = as_int(bos_id, "bos_id", minimum=0)
    inputs[1:] = target_ids[:-1]
    return inputs


def loss_and_gradients(model: Seq2Seq, U, lengths, target_ids, target_mask, *,
                       bos_id: int) -> tuple[float, Seq2Seq]:
    """Teacher-forced cross-entropy of the target and its exact gradient.

    Parameters
    ----------
    U : (T, B, n_in) source; lengths : (B,) real source lengths or None.
    target_ids : (S, B) int target tokens, ending with ``<eos>`` then padding.
    target_mask : (S, B) 1 on real target steps (including ``<eos>``).
    bos_id : index of ``<bos>``.

    Returns
    -------
    L : float, the loss (summed over steps, averaged over the batch)
    grads : Seq2Seq of the gradients of both parts
    """
    model = check_seq2seq(model)
    V = model.decoder.sizes[1]
    context, enc_trace = encode(model, U, lengths)
    V_in = one_hot(teacher_inputs(target_ids, bos_id), V)
    L, dec_grads, _ = rnn_loss_and_gradients(model.decoder, V_in, np.asarray(target_ids),
                                             loss="cross_entropy", mask=target_mask,
                                             x_init=context)
    dY = np.zeros_like(enc_trace.Y)
    dY[-1] = dec_grads.x_init                      # dL/dc reaches the encoder's last output
    enc_grads = backward(model.encoder, enc_trace, dY)
    return L, Seq2Seq(enc_grads.params, dec_grads.params)


def decode(model: Seq2Seq, U, lengths=None, *, bos_id: int, eos_id: int, max_len: int,
           temperature: float | None = None, rng: np.random.Generator | None = None):
    """Generate output tokens one step at a time, feeding each choice back in.

    ``temperature=None`` is greedy decoding (the most likely token at each step);
    a temperature tau > 0 samples v_s ~ softmax(z_s / tau) with ``rng``.

    Returns
    -------
    ids : (max_len, B) int, the chosen tokens (after ``<eos>`` the sequence is over;
          later entries are ``eos_id``)
    probs : (max_len, B, V) the distribution each choice was made from
    states : (max_len + 1, B, n_dec) the decoder state before each step (row 0 = c)
    """
    model = check_seq2seq(model)
    max_len = as_int(max_len, "max_len", minimum=1)
    if temperature is not None:
        temperature = as_positive_float(temperature, "temperature")
        check_rng(rng, "rng (sampling, with a temperature given, needs one)")
    dec = model.decoder
    V = dec.sizes[1]
    context, _ = encode(model, U, lengths)
    B = context.shape[0]
    x = context
    token = np.full(B, as_int(bos_id, "bos_id", minimum=0))
    done = np.zeros(B, dtype=bool)
    ids = np.full((max_len, B), as_int(eos_id, "eos_id", minimum=0))
    probs = np.zeros((max_len, B, V))
    states = np.empty((max_len + 1, B, x.shape[-1]))
    states[0] = x
    for s in range(max_len):
        step = forward(dec, one_hot(token, V)[None], x)         # one step of the decoder
        x, z = step.X[0], step.Z[0]
        p = softmax(z if temperature is None else z / temperature)
        if temperature is None:
            token = np.argmax(p, axis=-1)
        else:
            token = (rng.random((B, 1)) > np.cumsum(p, axis=-1)).sum(axis=-1)
            token = np.minimum(token, V - 1)
        probs[s] = p
        states[s + 1] = x
        ids[s] = np.where(done, eos_id, token)
        done |= token == eos_id
    return ids, probs, states
