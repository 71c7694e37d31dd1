"""Many-to-many recipes: a running count tagged at every step, and seq2seq (number
words to digits) as many-to-one then one-to-many."""
from __future__ import annotations

import numpy as np

from .. import datasets as ds
from .. import seq2seq as s2s
from .. import sequences as sq
from .._checks import as_int
from ..bptt import loss_and_gradients
from ..elman import forward, init_params
from ..train import minibatches
from ._run import Run, _decode_all, _fit, _sentences_to_batch


# -- many-to-many, same length ------------------------------------------------------------
def running_count(seed: int = 0, *, k: int = 3, n_train: int = 800, n_val: int = 200,
                  n_test: int = 400, n_x: int = 8, steps: int = 2000) -> Run:
    """Tag every step: has the number of "a" tokens so far reached ``k``?

    One output per input (many-to-many of the same length), over padded batches of
    sequences of different lengths. Score: test accuracy over all real steps.
    Baselines without a state (``datasets.window_baseline``): the tag seen most often
    with the current token, and with the last 5 tokens.
    """
    seed = as_int(seed, "seed", minimum=0)
    seqs, tags = ds.running_count_tags(n_train + n_val + n_test, np.random.default_rng(seed),
                                       k=k)
    vocab = sq.Vocabulary(["a", "b"], specials=())
    U, lengths = _sentences_to_batch(vocab, seqs)
    target = sq.pad(tags).ids
    tr, va, te = (np.arange(n_train), np.arange(n_train, n_train + n_val),
                  np.arange(n_train + n_val, len(seqs)))

    def objective(params, idx):
        L, g, _ = loss_and_gradients(params, U[:, idx], target[:, idx], loss="cross_entropy",
                                     lengths=lengths[idx])
        return L, g.params

    def predict(params, idx):
        Y = forward(params, U[:, idx], lengths=lengths[idx], output_activation="softmax").Y
        return [Y[:n, b].argmax(-1) for b, n in enumerate(lengths[idx])]

    def accuracy(params, idx=va):
        return ds.tag_accuracy(predict(params, idx), [tags[i] for i in idx])

    params = init_params(n_x, len(vocab), 2, np.random.default_rng(seed + 1))
    params, hist, sec = _fit(params, minibatches(n_train, 32, np.random.default_rng(seed + 2)),
                             steps, objective, accuracy, eval_every=50, patience=10,
                             stop_at=1.0)
    test_seqs, test_tags = [seqs[i] for i in te], [tags[i] for i in te]
    train_seqs, train_tags = [seqs[i] for i in tr], [tags[i] for i in tr]
    windows = {width: ds.window_baseline(train_seqs, train_tags, test_seqs, width)
               for width in (1, 5)}
    return Run(params, hist, sec, accuracy(params, te),
               {"current token only": ds.tag_accuracy(windows[1], test_tags),
                "last 5 tokens": ds.tag_accuracy(windows[5], test_tags)},
               "test accuracy over all steps (higher is better)",
               {"vocab": vocab, "k": k, "sequences": test_seqs, "tags": test_tags,
                "predicted": predict(params, te)})


# -- seq2seq ------------------------------------------------------------------------------


def number_words(seed: int = 0, *, n_test: int = 150, n_val: int = 100, n_x: int = 32,
                 steps: int = 1500) -> Run:
    """Translate English number words into digits: "three hundred two" -> 3 0 2.

    An encoder reads the words; from its context a decoder emits digits and ``<eos>``
    (teacher forcing in training, greedy decoding at test). The numbers 0..999 are
    split at random, so every test number is one the model never saw. Score: exact
    match on the test numbers. Baselines without recurrence: a word-by-word
    dictionary, and a linear classifier on (position, word) pairs
    (``datasets.position_table_baseline``), trained on the same numbers.
    """
    seed = as_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    train_n, test_n = ds.number_split(rng, n_test=n_test)
    train_n = rng.permutation(train_n)                           # the split comes sorted
    val_n, train_n = np.sort(train_n[:n_val]), train_n[n_val:]
    src_vocab = sq.Vocabulary.from_sequences([ds.number_words(k) for k in range(1000)],
                                             specials=())
    tgt_vocab = sq.Vocabulary([str(d) for d in range(10)])

    def encode(numbers):
        src = sq.pad([src_vocab.encode(ds.number_words(k)) for k in numbers])
        tgt = sq.pad([tgt_vocab.encode(ds.number_digits(k) + [sq.EOS]) for k in numbers])
        return sq.one_hot(src.ids, len(src_vocab)), src.lengths, tgt

    U, lengths, tgt = encode(train_n)
    bos = tgt_vocab.index[sq.BOS]

    def objective(model, idx):
        return s2s.loss_and_gradients(model, U[:, idx], lengths[idx], tgt.ids[:, idx],
                                      tgt.mask[:, idx], bos_id=bos)

    def translate(model, numbers):
        Un, ln, _ = encode(numbers)
        return _decode_all(model, Un, ln, tgt_vocab, max_len=4)

    def exact(model, numbers):
        return ds.exact_match(translate(model, numbers), [ds.number_digits(k) for k in numbers])

    model = s2s.init_seq2seq(len(src_vocab), n_x, n_x, len(tgt_vocab),
                             np.random.default_rng(seed + 1))
    model, hist, sec = _fit(model, minibatches(train_n.size, 32,
                                               np.random.default_rng(seed + 2)),
                            steps, objective, lambda m: exact(m, val_n), eval_every=100,
                            patience=5, stop_at=1.0)
    words = [ds.number_words(k) for k in test_n]
    truth = [ds.number_digits(k) for k in test_n]
    table = ds.position_table_baseline(train_n, test_n)
    return Run(model, hist, sec, exact(model, test_n),
               {"word by word": ds.exact_match([ds.word_by_word_baseline(w) for w in words],
                                               truth),
                "position table (linear)": ds.exact_match(table, truth)},
               "exact match on unseen numbers (higher is better)",
               {"numbers": test_n, "train_numbers": train_n, "words": words, "digits": truth,
                "predicted": translate(model, test_n), "src_vocab": src_vocab,
                "tgt_vocab": tgt_vocab, "translate": translate})
