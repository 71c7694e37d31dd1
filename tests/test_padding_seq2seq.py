"""Padding, one-hot inputs and the encoder-decoder (chapter 5).

Masked BPTT and the Seq2Seq gradient are checked against central differences; a
padded batch must give each sequence exactly what it gives when run alone; greedy
decoding must agree with a teacher-forced pass over its own choices.
"""
import numpy as np
import pytest

import rnn_lib as rl
from rnn_lib import seq2seq as s2s
from rnn_lib import sequences as sq
from rnn_lib._tree import tree_map
from rnn_lib.train import Adam, minibatches, train


def _padded_problem(seed=0, act="tanh"):
    rng = np.random.default_rng(seed)
    p = rl.init_params(4, 3, 2, rng, spectral_radius=0.9)
    p = p._replace(b_x=0.3 * rng.standard_normal(4), b_y=rng.standard_normal(2))
    U = rng.standard_normal((6, 3, 3))
    lengths = np.array([6, 2, 4])
    target = rng.standard_normal((6, 3, 2))
    x0 = 0.5 * rng.standard_normal((3, 4))
    return p, U, lengths, target, x0


# -- padding ------------------------------------------------------------------------------
def test_padded_batch_equals_each_sequence_run_alone():
    p, U, lengths, _, x0 = _padded_problem()
    tr = rl.forward(p, U, x0, lengths=lengths)
    for b, n in enumerate(lengths):
        alone = rl.forward(p, U[:n, b], x0[b])
        assert np.allclose(tr.X[:n, b], alone.X, atol=0, rtol=1e-14)
        assert np.array_equal(tr.X[-1, b], tr.X[n - 1, b])     # state held after the end


@pytest.mark.parametrize("act", ["tanh", "relu", "sigmoid"])
def test_masked_bptt_matches_finite_differences(act):
    p, U, lengths, target, x0 = _padded_problem(act=act)

    def f(q, x=x0):
        return rl.loss_and_gradients(q, U, target, lengths=lengths, x_init=x,
                                     activation=act)[0]
    _, g, _ = rl.loss_and_gradients(p, U, target, lengths=lengths, x_init=x0, activation=act)
    num = rl.numerical_param_gradients(f, p)
    for name, a, b in zip(rl.Params._fields, g.params, num):
        assert rl.relative_error(a, b) < 1e-6, name
    assert rl.relative_error(g.x_init, rl.numerical_gradient(lambda x: f(p, x), x0)) < 1e-6


def test_padded_gradient_is_the_sum_of_the_sequences_gradients():
    p, U, lengths, target, x0 = _padded_problem(3)
    _, g, _ = rl.loss_and_gradients(p, U, target, lengths=lengths, x_init=x0)
    total = [np.zeros_like(a) for a in p]
    for b, n in enumerate(lengths):
        _, gb, _ = rl.loss_and_gradients(p, U[:n, b], target[:n, b], x_init=x0[b])
        total = [t + a / len(lengths) for t, a in zip(total, gb.params)]   # batch mean
    for a, b in zip(g.params, total):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-14)


def test_padding_errors_are_clear():
    p, U, lengths, target, _ = _padded_problem()
    with pytest.raises(ValueError, match=r"lengths must lie in 1..T = 1..6"):
        rl.forward(p, U, lengths=np.array([7, 2, 1]))
    with pytest.raises(ValueError, match="lengths has 2 entries but U holds a batch of 3"):
        rl.forward(p, U, lengths=np.array([1, 2]))
    with pytest.raises(ValueError, match="lengths needs a batch U"):
        rl.forward(p, U[:, 0], lengths=np.array([2]))
    with pytest.raises(ValueError, match="truncated BPTT is not available for padded"):
        rl.loss_and_gradients(p, U, target, lengths=lengths, truncate=2)


# -- vocabulary, one-hot, pad -------------------------------------------------------------
def test_vocabulary_round_trip_and_specials():
    v = sq.Vocabulary(["not", "good", "not"])
    assert v.tokens == ["<pad>", "<bos>", "<eos>", "not", "good"] and len(v) == 5
    ids = v.encode(["not", "good", "<eos>", "good"])
    assert ids.tolist() == [3, 4, 2, 4]
    assert v.decode(ids) == ["not", "good"]                   # stops at <eos>
    assert v.decode([0, 4, 0]) == ["good"]                    # padding dropped
    with pytest.raises(ValueError, match="token 'bad' is not in the vocabulary"):
        v.encode(["bad"])
    with pytest.raises(TypeError, match="list of tokens"):
        v.encode("good")


def test_one_hot_picks_a_column_of_W_xu():
    rng = np.random.default_rng(0)
    W_xu = rng.standard_normal((4, 6))
    ids = np.array([[5, 0], [2, 2]])
    E = sq.one_hot(ids, 6)
    assert E.shape == (2, 2, 6) and np.array_equal(E.sum(-1), np.ones((2, 2)))
    assert np.array_equal(E @ W_xu.T, np.moveaxis(W_xu[:, ids], 0, -1))
    with pytest.raises(ValueError, match=r"indices must lie in 0..5"):
        sq.one_hot([6], 6)
    with pytest.raises(TypeError, match="indices must be integers"):
        sq.one_hot([1.0], 6)


def test_pad_and_last_step_mask():
    out = sq.pad([[3, 4, 5], [6], [7, 8]])
    assert out.ids.tolist() == [[3, 6, 7], [4, 0, 8], [5, 0, 0]]
    assert out.lengths.tolist() == [3, 1, 2]
    assert out.mask.tolist() == [[1, 1, 1], [1, 0, 1], [1, 0, 0]]
    last = sq.last_step_mask(out.lengths, 3)
    assert last.tolist() == [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    with pytest.raises(ValueError, match="non-empty"):
        sq.pad([[1], []])
    with pytest.raises(ValueError, match="more than length=2"):
        sq.pad([[1, 2, 3]], length=2)


# -- encoder-decoder ----------------------------------------------------------------------
def _model(seed=1):
    rng = np.random.default_rng(seed)
    m = s2s.init_seq2seq(3, 5, 4, 6, rng)
    m = tree_map(lambda a: a + 0.1 * rng.standard_normal(a.shape), m)
    U = rng.standard_normal((4, 3, 3))
    lengths = np.array([4, 1, 3])
    tgt = sq.pad([[3, 4, 2], [5, 2], [2]])
    return m, U, lengths, tgt


def test_seq2seq_gradient_matches_finite_differences_for_both_parts():
    m, U, lengths, tgt = _model()
    _, g = s2s.loss_and_gradients(m, U, lengths, tgt.ids, tgt.mask, bos_id=1)
    for part in range(2):
        for i, name in enumerate(rl.Params._fields):
            def f(a, part=part, name=name):
                sub = m[part]._replace(**{name: a})
                mm = m._replace(**{s2s.Seq2Seq._fields[part]: sub})
                return s2s.loss_and_gradients(mm, U, lengths, tgt.ids, tgt.mask, bos_id=1)[0]
            num = rl.numerical_gradient(f, m[part][i])
            assert rl.relative_error(g[part][i], num) < 1e-6, (part, name)


def test_greedy_decoding_agrees_with_teacher_forcing_on_its_own_choices():
    m, U, lengths, _ = _model(2)
    ids, probs, states = s2s.decode(m, U, lengths, bos_id=1, eos_id=2, max_len=5)
    assert np.array_equal(ids[0], probs[0].argmax(-1))
    context, _ = s2s.encode(m, U, lengths)
    tf = rl.forward(m.decoder, sq.one_hot(s2s.teacher_inputs(probs.argmax(-1), 1), 6),
                    context, output_activation="softmax")
    assert np.allclose(tf.Y, probs, rtol=1e-12, atol=1e-15)
    assert np.allclose(tf.X, states[1:]) and np.array_equal(states[0], context)


def test_sampling_is_seeded_and_low_temperature_is_greedy():
    m, U, lengths, _ = _model(4)
    greedy, _, _ = s2s.decode(m, U, lengths, bos_id=1, eos_id=2, max_len=4)
    a, _, _ = s2s.decode(m, U, lengths, bos_id=1, eos_id=2, max_len=4, temperature=1.0,
                         rng=np.random.default_rng(5))
    b, _, _ = s2s.decode(m, U, lengths, bos_id=1, eos_id=2, max_len=4, temperature=1.0,
                         rng=np.random.default_rng(5))
    cold, _, _ = s2s.decode(m, U, lengths, bos_id=1, eos_id=2, max_len=4, temperature=1e-3,
                            rng=np.random.default_rng(6))
    assert np.array_equal(a, b) and np.array_equal(cold, greedy)
    with pytest.raises(TypeError, match=r"rng \(sampling, with a temperature given, needs "
                                        r"one\) must be a numpy.random.Generator"):
        s2s.decode(m, U, lengths, bos_id=1, eos_id=2, max_len=4, temperature=1.0)


def test_seq2seq_shape_errors():
    m, U, lengths, tgt = _model()
    bad = m._replace(encoder=rl.init_params(5, 3, 3, np.random.default_rng(0)))
    with pytest.raises(ValueError, match="context\\) has 3 entries but the decoder's state"):
        s2s.encode(bad, U, lengths)


# -- training loop extensions -------------------------------------------------------------
def test_minibatches_cover_each_epoch_once():
    it = minibatches(10, 4, np.random.default_rng(0))
    first_epoch = np.concatenate([next(it), next(it)])
    assert len(set(first_epoch.tolist())) == 8          # 2 full batches, last 2 dropped
    assert all(len(next(it)) == 4 for _ in range(5))
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        next(minibatches(10, 4, 0))


def test_train_with_an_objective_learns_a_tiny_copy_task_and_stops_at_target():
    rng = np.random.default_rng(0)
    m = s2s.init_seq2seq(6, 16, 16, 6, rng)
    seqs = [rng.integers(3, 6, size=rng.integers(1, 4)) for _ in range(64)]
    src = sq.pad(seqs)
    tgt = sq.pad([np.append(s, 2) for s in seqs])
    U = sq.one_hot(src.ids, 6)

    def objective(model, idx):
        return s2s.loss_and_gradients(model, U[:, idx], src.lengths[idx], tgt.ids[:, idx],
                                      tgt.mask[:, idx], bos_id=1)

    def accuracy(model):
        ids, _, _ = s2s.decode(model, U, src.lengths, bos_id=1, eos_id=2,
                               max_len=tgt.ids.shape[0])
        ok = [np.array_equal(ids[:n, b], tgt.ids[:n, b]) for b, n in enumerate(tgt.lengths)]
        return float(np.mean(ok))

    batches = minibatches(64, 32, np.random.default_rng(1))
    trained, hist = train(m, lambda k: next(batches), steps=1500, objective=objective,
                          optimizer=Adam(lr=0.02), clip=5.0, metric=accuracy,
                          eval_every=50, stop_at=1.0)
    assert hist["loss"][-1] < 0.5 * hist["loss"][0]
    assert hist["stopped_early"] and hist["best_metric"] == 1.0
    assert accuracy(trained) == 1.0 and accuracy(m) < 0.3


def test_patience_returns_the_best_parameters_not_the_last():
    p = rl.init_params(3, 1, 1, np.random.default_rng(0), spectral_radius=0.5)
    data = (np.ones((4, 2, 1)), np.zeros((4, 2, 1)))
    scores = iter([0.1, 0.5, 0.4, 0.3, 0.2, 0.9])
    seen = []

    def metric(q):
        seen.append(q)
        return next(scores)
    out, hist = train(p, data, steps=100, metric=metric, eval_every=1, patience=3,
                      optimizer="sgd", lr=0.01)
    assert hist["metric"].tolist() == [0.1, 0.5, 0.4, 0.3, 0.2]   # 3 without a new best
    assert hist["best_step"] == 1 and hist["stopped_early"]
    assert out is seen[1]
    with pytest.raises(ValueError, match="needs a metric"):
        train(p, data, steps=3, patience=2)
