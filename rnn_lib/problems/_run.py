"""What every recipe of chapter 5 returns, and the steps they share: training, batching
words, greedy decoding."""
from __future__ import annotations

import time
from typing import Any, NamedTuple

from .. import seq2seq as s2s
from .. import sequences as sq
from ..train import Adam, train


class Run(NamedTuple):
    """One trained model and how it scores.

    model : Params or Seq2Seq;  history : what ``train`` returned;
    seconds : wall time of training;  score : the test score (see ``metric``);
    baselines : {name: test score} of the models without recurrence;
    metric : what ``score`` measures and which way is better;
    data : the test split, vocabularies and predictions the chapter's figures need.
    """

    model: Any
    history: dict
    seconds: float
    score: float
    baselines: dict
    metric: str
    data: dict


def _fit(model, batches, steps, objective, metric, **options):
    start = time.perf_counter()
    model, hist = train(model, lambda k: next(batches), steps=steps, objective=objective,
                        optimizer=Adam(lr=options.pop("lr", 0.01)), clip=5.0, metric=metric,
                        **options)
    return model, hist, time.perf_counter() - start


def _sentences_to_batch(vocab, sentences):
    """One-hot inputs (T, B, |vocab|) and lengths (B,) of a padded batch of word lists."""
    P = sq.pad([vocab.encode(s) for s in sentences])
    return sq.one_hot(P.ids, len(vocab)), P.lengths


def _decode_all(model, U, lengths, vocab, max_len):
    """Greedy decoding of a batch by a Seq2Seq: one word list per sequence."""
    ids, _, _ = s2s.decode(model, U, lengths, bos_id=vocab.index[sq.BOS],
                           eos_id=vocab.index[sq.EOS], max_len=max_len)
    return [vocab.decode(ids[:, b]) for b in range(ids.shape[1])]
