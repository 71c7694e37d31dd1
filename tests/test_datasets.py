"""The toy data sets of chapter 5 and their baselines, checked by independent rules.

Each generator is deterministic by seed and has the promised shapes; its labels are
recomputed here from the tokens or pixels by a separate rule; each baseline is right
where it should be and fails where the chapter says it must.
"""
import numpy as np
import pytest

from rnn_lib import datasets as ds
from rnn_lib.datasets import scenes


def _rng(seed=0):
    return np.random.default_rng(seed)


# -- determinism ----------------------------------------------------------------------
GENERATORS = {
    "price_series": lambda rng: ds.price_series(50, rng),
    "sentiment_sentences": lambda rng: ds.sentiment_sentences(20, rng),
    "running_count_tags": lambda rng: ds.running_count_tags(20, rng),
    "number_split": lambda rng: ds.number_split(rng, n_test=10),
    "shape_scenes": lambda rng: ds.shape_scenes(5, rng),
}


def _same(a, b) -> bool:
    """Deep equality of nested tuples/lists of arrays and strings."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(a, b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_seed_same_data_other_seed_other_data(name):
    make = GENERATORS[name]
    assert _same(make(_rng(3)), make(_rng(3)))
    assert not _same(make(_rng(3)), make(_rng(4)))


# -- 1. prices: many-to-one regression -------------------------------------------------
def test_price_series_follows_its_equation():
    n, kw = 200, dict(start=50.0, momentum=0.7, volatility=0.02, season=0.01, period=5,
                      drift=0.001)
    prices = ds.price_series(n, _rng(1), **kw)
    eps = _rng(1).standard_normal(n - 1)        # the same draws, recomputed by hand
    r_prev, log_p = kw["drift"], [np.log(kw["start"])]
    for t in range(1, n):
        r = (kw["drift"] + kw["momentum"] * (r_prev - kw["drift"])
             + kw["season"] * np.sin(2 * np.pi * t / kw["period"])
             + kw["volatility"] * eps[t - 1])
        log_p.append(log_p[-1] + r)
        r_prev = r
    assert prices.shape == (n,) and prices[0] == 50.0 and np.all(prices > 0)
    assert np.allclose(np.log(prices), log_p, rtol=0, atol=1e-12)


def test_price_series_without_noise_or_season_grows_at_the_drift():
    prices = ds.price_series(30, _rng(), start=10.0, volatility=0.0, season=0.0, drift=0.01)
    assert np.allclose(prices, 10.0 * np.exp(0.01 * np.arange(30)), rtol=1e-13)


def test_price_windows_are_aligned_with_the_log_returns():
    prices = ds.price_series(60, _rng(2))
    window = 7
    w = ds.price_windows(prices, window=window)
    r = np.diff(np.log(prices))                 # r[j]: return into day j + 1
    N = len(prices) - window - 1
    assert w.U.shape == (window, N, 1)
    assert w.target.shape == w.last_price.shape == w.next_price.shape == (N,)
    for i in range(N):
        assert np.allclose(w.U[:, i, 0], r[i:i + window], rtol=0, atol=1e-15)
        assert w.U[-1, i, 0] == pytest.approx(np.log(w.last_price[i] / prices[i + window - 1]))
        assert w.target[i] == pytest.approx(r[i + window], abs=1e-15)
    assert np.allclose(w.last_price * np.exp(w.target), w.next_price, rtol=1e-12)
    assert np.array_equal(w.next_price, prices[window + 1:])


def test_linear_ar_recovers_an_exact_ar2():
    # x_t = c + a1 x_{t-1} + a2 x_{t-2} with a2 = -1: an undamped oscillation, so the
    # noise-free design matrix stays well conditioned. ridge=0 for plain least squares.
    c, a1, a2 = 0.002, 2 * np.cos(0.7), -1.0
    x = [0.01, -0.015]
    for _ in range(120):
        x.append(c + a1 * x[-1] + a2 * x[-2])
    prices = 100 * np.exp(np.concatenate([[0.0], np.cumsum(x)]))   # log-returns are x
    w = ds.price_windows(prices, window=2)
    coef, intercept = ds.fit_linear_ar(w.U, w.target, ridge=0.0)
    assert np.allclose(coef, [a2, a1], rtol=0, atol=1e-8)        # coef[-1]: most recent
    assert intercept == pytest.approx(c, abs=1e-8)
    pred = ds.predict_linear_ar(w.U, coef, intercept)
    assert np.allclose(pred, w.target, rtol=0, atol=1e-10)
    # the same fit from the 2-D form of U
    coef2, _ = ds.fit_linear_ar(w.U[:, :, 0], w.target, ridge=0.0)
    assert np.allclose(coef2, coef, rtol=0, atol=1e-12)


def test_predict_linear_ar_is_the_weighted_sum():
    U = _rng(5).standard_normal((3, 4, 1))
    coef = np.array([0.5, -1.0, 2.0])
    expected = [0.25 + sum(coef[k] * U[k, i, 0] for k in range(3)) for i in range(4)]
    assert np.allclose(ds.predict_linear_ar(U, coef, 0.25), expected)


def test_linear_ar_beats_persistence_on_prices_with_momentum():
    w = ds.price_windows(ds.price_series(700, _rng(6)), window=10)
    n_train = 500
    coef, b = ds.fit_linear_ar(w.U[:, :n_train], w.target[:n_train])
    test = w.target[n_train:]
    mse_ar = np.mean((ds.predict_linear_ar(w.U[:, n_train:], coef, b) - test) ** 2)
    mse_persist = np.mean(test ** 2)          # "tomorrow = today": a log-return of 0
    assert mse_ar < 0.8 * mse_persist
    assert coef[-1] == pytest.approx(0.6, abs=0.15)              # the momentum


# -- 2. sentiment: many-to-one classification -------------------------------------------
POS, NEG = set(ds.SENTIMENT_WORDS["positive"]), set(ds.SENTIMENT_WORDS["negative"])
INTENSIFIERS = {"very", "really", "quite", "so"}


def _rule_label(sentence):
    """The label from the tokens alone: the sentiment word's polarity, flipped by "not"."""
    hits = [i for i, w in enumerate(sentence) if w in POS | NEG]
    assert len(hits) == 1, sentence
    i = hits[0]
    nots = [j for j, w in enumerate(sentence) if w == "not"]
    assert len(nots) <= 1, sentence
    if nots:
        j = nots[0]
        assert j < i and i - j - 1 <= 2, sentence                  # not, 0-2 words, word
        assert set(sentence[j + 1:i]) <= INTENSIFIERS, sentence
    return int((sentence[i] in POS) != bool(nots))


def test_sentiment_labels_follow_the_negation_rule():
    sentences, labels = ds.sentiment_sentences(400, _rng(7), min_len=3, max_len=9)
    assert len(sentences) == 400 and labels.shape == (400,)
    vocab = set().union(*ds.SENTIMENT_WORDS.values())
    for s, y in zip(sentences, labels):
        assert 3 <= len(s) <= 9 and set(s) <= vocab
        assert y == _rule_label(s)
    negated = np.mean(["not" in s for s in sentences])
    assert 0.4 < negated < 0.6 and 0.4 < labels.mean() < 0.6
    assert {len(s) for s in sentences} == set(range(3, 10))


@pytest.mark.parametrize("p_negate, min_len, max_len", [(0.0, 2, 2), (1.0, 2, 3),
                                                         (0.5, 12, 16)])
def test_sentiment_extremes(p_negate, min_len, max_len):
    sentences, labels = ds.sentiment_sentences(60, _rng(8), p_negate=p_negate,
                                               min_len=min_len, max_len=max_len)
    for s, y in zip(sentences, labels):
        assert min_len <= len(s) <= max_len and y == _rule_label(s)
    frac = np.mean(["not" in s for s in sentences])
    assert frac == p_negate if p_negate in (0.0, 1.0) else 0.2 < frac < 0.8


def _accuracy_of_bow(p_negate, seed=9):
    train, y_train = ds.sentiment_sentences(600, _rng(seed), p_negate=p_negate)
    test, y_test = ds.sentiment_sentences(400, _rng(seed + 1), p_negate=p_negate)
    pred = ds.bag_of_words_baseline(train, y_train, test)
    assert pred.shape == (400,) and set(np.unique(pred)) <= {0, 1}
    return np.mean(pred == y_test), test, y_test


def test_bag_of_words_learns_sentiment_without_negation():
    acc, _, _ = _accuracy_of_bow(0.0)
    assert acc > 0.95


def test_bag_of_words_cannot_handle_negation():
    # rarer negation: it learns the words and ignores "not", ~1 - p_negate = 75%
    acc, _, _ = _accuracy_of_bow(0.25)
    assert 0.6 < acc < 0.85
    # balanced negation (the default): the XOR pulls it to chance, below the 75% ceiling
    acc, test, y_test = _accuracy_of_bow(0.5)
    assert acc < 0.65
    # ... and the ceiling is reached by a linear rule: positive unless (negative, no "not")
    linear = np.array([int(bool(set(s) & POS) + ("not" in s) >= 1) for s in test])
    assert 0.7 < np.mean(linear == y_test) < 0.8


def test_majority_baseline():
    assert np.array_equal(ds.majority_baseline([1, 0, 1, 1], 3), [1, 1, 1])
    assert np.array_equal(ds.majority_baseline(np.array([0, 1]), 2), [0, 0])   # tie: smaller


# -- 3. running count: per-step tagging ------------------------------------------------
def test_running_count_tags_by_an_independent_loop():
    seqs, tags = ds.running_count_tags(150, _rng(10), k=3, min_len=6, max_len=14, p=0.35)
    assert len(seqs) == len(tags) == 150
    assert {len(s) for s in seqs} <= set(range(6, 15)) and len({len(s) for s in seqs}) > 3
    for s, t in zip(seqs, tags):
        assert set(s) <= {"a", "b"} and t.shape == (len(s),)
        count, expected = 0, []
        for tok in s:
            count += tok == "a"
            expected.append(1 if count >= 3 else 0)
        assert t.tolist() == expected
    share_a = np.mean([tok == "a" for s in seqs for tok in s])
    assert 0.3 < share_a < 0.4


def test_current_token_baseline_is_the_best_memoryless_rule():
    seqs, tags = ds.running_count_tags(200, _rng(11), k=2, p=0.3)
    pred = ds.current_token_baseline(seqs, tags, seqs)
    assert [len(p) for p in pred] == [len(s) for s in seqs]
    best = ds.tag_accuracy(pred, tags)
    for tag_a in (0, 1):                        # every map {a, b} -> {0, 1}
        for tag_b in (0, 1):
            rule = [np.array([tag_a if tok == "a" else tag_b for tok in s]) for s in seqs]
            assert ds.tag_accuracy(rule, tags) <= best + 1e-12
    test_seqs, test_tags = ds.running_count_tags(200, _rng(12), k=2, p=0.3)
    acc = ds.tag_accuracy(ds.current_token_baseline(seqs, tags, test_seqs), test_tags)
    assert 0.5 < acc < 0.9                      # far from perfect: the past matters


def test_current_token_baseline_ties_and_unseen_tokens():
    pred = ds.current_token_baseline([["x", "x", "y"], ["y"]],
                                     [np.array([1, 0, 1]), np.array([1])], [["x", "y", "z"]])
    assert pred[0].tolist() == [0, 1, 1]        # x tied -> 0; unseen z -> overall majority 1


def test_tag_accuracy_pools_all_steps():
    assert ds.tag_accuracy([np.array([1, 0]), np.array([1])],
                           [np.array([1, 1]), np.array([1])]) == pytest.approx(2 / 3)


# -- 4. numbers: sequence to sequence --------------------------------------------------
@pytest.mark.parametrize("k, words", [
    (0, "zero"), (7, "seven"), (10, "ten"), (11, "eleven"), (13, "thirteen"),
    (19, "nineteen"), (20, "twenty"), (40, "forty"), (42, "forty two"),
    (99, "ninety nine"), (100, "one hundred"), (101, "one hundred one"),
    (110, "one hundred ten"), (300, "three hundred"), (302, "three hundred two"),
    (315, "three hundred fifteen"), (342, "three hundred forty two"),
    (999, "nine hundred ninety nine")])
def test_number_words_table(k, words):
    assert ds.number_words(k) == words.split()
    assert ds.number_digits(k) == list(str(k))


VALUES = {w: v for v, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
VALUES.update({w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())})


def test_number_words_is_a_bijection_read_back_by_a_parser():
    seen = set()
    for k in range(1000):
        words = ds.number_words(k)
        total = 0
        for w in words:                         # an independent reader of the words
            total = total * 100 if w == "hundred" else total + VALUES[w]
        assert total == k, words
        assert all("-" not in w and w != "and" for w in words)
        seen.add(tuple(words))
    assert len(seen) == 1000
    assert ds.number_digits(np.int64(302)) == ["3", "0", "2"]


def test_number_split_partitions_the_range():
    train, test = ds.number_split(_rng(13), n_test=150, high=999)
    assert test.shape == (150,) and train.shape == (850,)
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(1000))
    assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)
    assert test.min() < 100 and test.max() > 900          # spread, not a block


def test_word_by_word_baseline_right_and_wrong_where_documented():
    for k in (7, 15, 42, 342, 315, 110):
        assert ds.word_by_word_baseline(ds.number_words(k)) == ds.number_digits(k)
    assert ds.word_by_word_baseline(["forty"]) == ["4"]
    assert ds.word_by_word_baseline(["three", "hundred", "two"]) == ["3", "2"]
    for k in range(1000):                       # the documented rule, over every number
        right = ds.word_by_word_baseline(ds.number_words(k)) == ds.number_digits(k)
        assert right == (k == 0 or k % 100 == 10 or "0" not in str(k)), k


def test_exact_match():
    assert ds.exact_match([["1"], ["4", "2"], ["3"]], [["1"], ["4", "2"], ["3", "0"]]) \
        == pytest.approx(2 / 3)


# -- 5. shape scenes: one-to-many -------------------------------------------------------
def _classify_shape(mask):
    """Name a shape from its pixels by geometry alone."""
    rows, cols = np.nonzero(mask)
    box = mask[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    if box.all():
        return "square"
    if box[0].sum() < box[-1].sum():
        return "triangle"                       # narrow top, wide base
    return "circle" if box[0].sum() == box[-1].sum() else "?"


def test_shape_templates_are_clearly_distinct():
    masks = {s: scenes._shape_mask(s, 5) for s in ds.SHAPES}
    for a in ds.SHAPES:
        assert _classify_shape(masks[a]) == a
        for b in ds.SHAPES:
            if a != b:
                assert np.sum(masks[a] != masks[b]) >= 4


def test_shape_scene_captions_match_the_pixels():
    n, size = 80, 12
    images, captions = ds.shape_scenes(n, _rng(14), size=size, noise=0.1)
    assert images.shape == (n, size, size, 3) and len(captions) == n
    half = size // 2
    relations = set()
    for img, cap in zip(images, captions):
        assert len(cap) == 5 and cap[2] in ds.RELATIONS
        assert cap[0] in ds.COLORS and cap[3] in ds.COLORS
        cells = {(r, c): img[r * half:(r + 1) * half, c * half:(c + 1) * half]
                 for r in (0, 1) for c in (0, 1)}
        full = sorted(rc for rc, px in cells.items() if px.max(axis=2).mean() > 0.2)
        assert len(full) == 2, cap
        (r1, c1), (r2, c2) = full               # sorted: top before bottom, left before right
        relation = "above" if c1 == c2 else "left-of" if r1 == r2 else "diagonal"
        assert relation == cap[2]
        relations.add(relation)
        for (rc, color, shape) in ((full[0], cap[0], cap[1]), (full[1], cap[3], cap[4])):
            px = cells[rc]
            channel = int(np.argmax(px.mean(axis=(0, 1))))
            assert ds.COLORS[channel] == color
            assert _classify_shape(px[:, :, channel] > 0.5) == shape
    assert relations == {"above", "left-of"}


def test_shape_scenes_without_noise_are_exact():
    images, captions = ds.shape_scenes(10, _rng(15), size=8, noise=0.0)
    assert images.shape == (10, 8, 8, 3)
    assert set(np.unique(images)) <= {0.0, 1.0}
    assert np.all(images.sum(axis=3) <= 1.0)    # one primary colour per pixel


# -- bad inputs ------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda rng: ds.price_series(10, rng),
    lambda rng: ds.sentiment_sentences(3, rng),
    lambda rng: ds.running_count_tags(3, rng),
    lambda rng: ds.number_split(rng),
    lambda rng: ds.shape_scenes(2, rng),
])
@pytest.mark.parametrize("bad_rng", [0, None, np.random.RandomState(0)])
def test_rng_must_be_a_generator(call, bad_rng):
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        call(bad_rng)


@pytest.mark.parametrize("call", [
    lambda n: ds.sentiment_sentences(n, _rng()),
    lambda n: ds.running_count_tags(n, _rng()),
    lambda n: ds.shape_scenes(n, _rng()),
])
def test_n_must_be_positive(call):
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        call(0)
    with pytest.raises(TypeError, match="n must be an integer"):
        call(2.5)


def test_bad_numbers():
    with pytest.raises(ValueError, match="between 0 and 999, got 1000"):
        ds.number_words(1000)
    with pytest.raises(ValueError, match="k must be >= 0"):
        ds.number_digits(-1)
    with pytest.raises(TypeError, match="k must be an integer"):
        ds.number_words(3.0)
    with pytest.raises(ValueError, match="n_test must be <= high"):
        ds.number_split(_rng(), n_test=11, high=10)
    with pytest.raises(ValueError, match="high must be <= 999"):
        ds.number_split(_rng(), high=1000)
    with pytest.raises(ValueError, match="unknown number word 'fourty'"):
        ds.word_by_word_baseline(["fourty", "two"])
    with pytest.raises(TypeError, match="split it first"):
        ds.word_by_word_baseline("forty two")


def test_bad_price_inputs():
    prices = ds.price_series(10, _rng())
    with pytest.raises(ValueError, match=r"at least window \+ 2 = 11 prices.*got 10"):
        ds.price_windows(prices, window=9)
    with pytest.raises(ValueError, match="window must be >= 1"):
        ds.price_windows(prices, window=0)
    with pytest.raises(ValueError, match="prices must all be > 0"):
        ds.price_windows(-prices, window=2)
    with pytest.raises(ValueError, match=r"momentum must be a finite number in \(-1, 1\)"):
        ds.price_series(10, _rng(), momentum=1.0)
    with pytest.raises(ValueError, match="start must be a finite number > 0"):
        ds.price_series(10, _rng(), start=0.0)
    w = ds.price_windows(prices, window=3)
    with pytest.raises(ValueError, match="target has 5 entries but U holds 6 windows"):
        ds.fit_linear_ar(w.U, w.target[:5])
    with pytest.raises(ValueError, match="coef has 2 entries but the windows are 3"):
        ds.predict_linear_ar(w.U, np.zeros(2), 0.0)


def test_bad_sequence_inputs():
    with pytest.raises(ValueError, match=r"p_negate must be a finite number in \[0, 1\]"):
        ds.sentiment_sentences(5, _rng(), p_negate=1.5)
    with pytest.raises(ValueError, match="max_len must be >= min_len"):
        ds.running_count_tags(5, _rng(), min_len=5, max_len=4)
    with pytest.raises(ValueError, match="must hold 0 .* and 1 .* only"):
        ds.bag_of_words_baseline([["good"]], [2], [["good"]])
    with pytest.raises(TypeError, match=r"train_sentences\[0\] must be a list of tokens"):
        ds.bag_of_words_baseline(["good film"], [1], [["good"]])
    with pytest.raises(ValueError, match=r"pred_tags\[0\] must have shape \(3,\)"):
        ds.tag_accuracy([np.array([1, 0])], [np.array([1, 0, 1])])
    with pytest.raises(ValueError, match="pred holds 1 sequences and target 2"):
        ds.exact_match([["1"]], [["1"], ["2"]])
    with pytest.raises(ValueError, match="size must be even"):
        ds.shape_scenes(2, _rng(), size=11)


# -- waveforms (one-to-many) ----------------------------------------------------------------
def test_waveforms_match_the_formulas_and_encode_kind_and_frequency():
    w = ds.waveforms(50, np.random.default_rng(0), T=25)
    assert w.inputs.shape == (50, 4) and w.Y.shape == (50, 25)
    t = np.arange(25)
    for i in range(50):
        f = w.freqs[i]
        expected = {0: np.sin(2 * np.pi * f * t),
                    1: 2 / np.pi * np.arcsin(np.sin(2 * np.pi * f * t)),
                    2: np.tanh(3 * np.sin(2 * np.pi * f * t))}[int(w.kinds[i])]
        assert np.allclose(w.Y[i], expected, atol=1e-12)
        assert w.inputs[i, w.kinds[i]] == 1 and w.inputs[i, :3].sum() == 1
        assert np.isclose(w.inputs[i, 3], 2 * (f - 0.04) / 0.06 - 1)
    again = ds.waveforms(50, np.random.default_rng(0), T=25)
    assert np.array_equal(again.Y, w.Y)
    base = ds.mean_waveform_baseline(w.Y, 3)
    assert base.shape == (3, 25) and np.allclose(base[2], w.Y.mean(0))
    with pytest.raises(ValueError, match="freq_range must be"):
        ds.waveforms(5, np.random.default_rng(0), freq_range=(0.2, 0.1))
    with pytest.raises(ValueError, match="unknown wave kind 'saw'"):
        ds.wave("saw", 0.1, t)


def test_wave_input_matches_the_data_set():
    w = ds.waveforms(20, np.random.default_rng(3), T=5)
    for v, k, f in zip(w.inputs, w.kinds, w.freqs):
        assert np.allclose(ds.wave_input(ds.WAVE_KINDS[k], f), v)
    with pytest.raises(ValueError, match="unknown wave kind"):
        ds.wave_input("sawtooth", 0.05)


# -- reading a sentence by the data set's rule -------------------------------------------------
def test_rule_label_is_the_generators_label():
    sents, labels = ds.sentiment_sentences(300, _rng(21))
    assert [ds.rule_label(s) for s in sents] == labels.tolist()
    assert ds.rule_label("it was not good".split()) == 0
    assert ds.rule_label("it was good".split()) == 1
    assert ds.rule_label("it was".split()) is None


def test_picked_examples_are_of_the_promised_kinds():
    sents, labels = ds.sentiment_sentences(400, _rng(22))
    picks = ds.pick_sentiment_examples(sents)
    assert picks == ds.pick_sentiment_examples(sents)                 # deterministic
    kinds = dict(picks)
    assert list(kinds) == ["not + positive", "not + negative", "positive", "negative", "long"]
    assert len(set(kinds.values())) == 5
    pos, neg = ds.SENTIMENT_WORDS["positive"], ds.SENTIMENT_WORDS["negative"]
    s = {k: sents[i] for k, i in kinds.items()}
    assert "not" in s["not + positive"] and set(s["not + positive"]) & set(pos)
    assert "not" in s["not + negative"] and set(s["not + negative"]) & set(neg)
    assert "not" not in s["positive"] and set(s["positive"]) & set(pos)
    assert "not" not in s["negative"] and set(s["negative"]) & set(neg)
    assert len(s["long"]) == max(len(x) for x in sents)
    for i in kinds.values():                                         # labels follow the rule
        assert ds.rule_label(sents[i]) == labels[i]
    with pytest.raises(ValueError, match="at least 2 sentences"):
        ds.pick_sentiment_examples([["good"]])
