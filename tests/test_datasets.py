"""The toy data sets of chapter 5 and their baselines, checked by independent rules.

Each generator is deterministic by seed and has the promised shapes; its labels are
recomputed here from the tokens or pixels by a separate rule; each baseline is right
where it should be and fails where the chapter says it must.
"""
from collections import Counter

import numpy as np
import pytest

from rnn_lib import datasets as ds
from rnn_lib.datasets import scenes


def _rng(seed=0):
    return np.random.default_rng(seed)


# -- determinism ----------------------------------------------------------------------
GENERATORS = {
    "price_series": lambda rng: ds.price_series(50, rng),
    "sentiment_reviews": lambda rng: ds.sentiment_reviews(20, rng),
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


def test_oracle_forecast_is_the_conditional_mean():
    """Without noise the returns follow the equation exactly, so the oracle is exact;
    with noise its errors are the noise, about the volatility in size."""
    kw = dict(momentum=0.5, season=0.003, period=7, drift=0.001)
    exact = ds.price_series(200, _rng(3), volatility=0.0, **kw)
    w = ds.price_windows(exact, window=10)
    assert np.allclose(ds.oracle_forecast(exact, 10, **kw), w.target, atol=1e-15)
    noisy = ds.price_series(20000, _rng(4), volatility=0.01, **kw)
    err = ds.oracle_forecast(noisy, 10, **kw) - ds.price_windows(noisy, 10).target
    assert abs(err.std() - 0.01) < 3e-4 and abs(err.mean()) < 3e-4
    # a wrong momentum is a worse forecaster
    worse = ds.oracle_forecast(noisy, 10, **{**kw, "momentum": 0.0})
    assert np.mean((worse - ds.price_windows(noisy, 10).target) ** 2) > np.mean(err ** 2)


def test_mse_difference_interval_by_hand():
    y = np.array([0.0, 1.0, 2.0, 3.0])
    a, b = y + 0.1, y + np.array([0.5, -0.5, 0.5, -0.5])
    diff, lo, hi = ds.mse_difference_interval(a, b, y, _rng(5), n_boot=4000)
    assert diff == pytest.approx(0.01 - 0.25)
    assert lo == hi == pytest.approx(-0.24)            # every day has the same difference
    rng = _rng(6)
    y = rng.standard_normal(400)
    a, b = y + rng.standard_normal(400), y + rng.standard_normal(400)
    diff, lo, hi = ds.mse_difference_interval(a, b, y, _rng(7))
    d = (a - y) ** 2 - (b - y) ** 2
    half = 1.96 * d.std() / np.sqrt(d.size)            # the normal approximation
    assert lo < diff < hi and hi - lo == pytest.approx(2 * half, rel=0.15)
    with pytest.raises(ValueError, match="one equal, non-zero length"):
        ds.mse_difference_interval(a[:3], b, y, _rng())


# -- 2. sentiment: many-to-one classification -------------------------------------------
POS, NEG = set(ds.SENTIMENT_WORDS["positive"]), set(ds.SENTIMENT_WORDS["negative"])


def _parse(review):
    """The label by an independent reading: cut the review into parts at "but"; each
    part has one sentiment word, flipped if "not" comes before it in that part; the two
    parts disagree, and the last one decides."""
    parts, part = [], []
    for w in review:
        if w == "but":
            parts.append(part)
            part = []
        else:
            part.append(w)
    parts.append(part)
    assert len(parts) <= 2, review
    meanings = []
    for part in parts:
        hits = [i for i, w in enumerate(part) if w in POS | NEG]
        assert len(hits) == 1, review
        nots = [i for i, w in enumerate(part) if w == "not"]
        assert len(nots) <= 1 and all(i < hits[0] for i in nots), review
        meanings.append(int((part[hits[0]] in POS) != bool(nots)))
    if len(meanings) == 2:
        assert meanings[0] != meanings[1], review            # "but" joins opposites
    return meanings[-1]


def test_sentiment_labels_follow_the_two_rules():
    reviews, labels = ds.sentiment_reviews(2000, _rng(7))
    assert len(reviews) == 2000 and labels.shape == (2000,)
    vocab = set().union(*ds.SENTIMENT_WORDS.values())
    for r, y in zip(reviews, labels):
        assert set(r) <= vocab and y == _parse(r) == ds.review_label(r)
    but = np.mean(["but" in r for r in reviews])
    negated_parts = sum(r.count("not") for r in reviews) / (len(reviews) * (1 + but))
    assert 0.45 < but < 0.55 and 0.25 < negated_parts < 0.35 and 0.45 < labels.mean() < 0.55
    # "not" can stand far from its word: the modifiers and "i did not think the plot was"
    gaps = [r.index(w) - r.index("not") - 1 for r in reviews if "but" not in r
            and "not" in r for w in r if w in POS | NEG]
    assert min(gaps) == 0 and max(gaps) == 7


def test_sentiment_extremes():
    plain, y = ds.sentiment_reviews(50, _rng(8), p_negate=0.0, p_but=0.0, max_gap=0)
    assert all("not" not in r and "but" not in r for r in plain)
    assert all(ds.review_label(r) == label for r, label in zip(plain, y))
    negated, y = ds.sentiment_reviews(50, _rng(8), p_negate=1.0, p_but=1.0)
    assert all(r.count("not") == 2 and r.count("but") == 1 for r in negated)
    assert all(_parse(r) == label for r, label in zip(negated, y))


def test_modifiers_do_not_give_negation_away():
    """Whatever modifier stands right before the sentiment word, the part is negated
    equally often: no neighbouring pair of words but "not good" says whether it is."""
    reviews, _ = ds.sentiment_reviews(6000, _rng(9), p_but=0.0)
    negated, seen = Counter(), Counter()
    for r in reviews:
        k = next(i for i, w in enumerate(r) if w in POS | NEG)
        seen[r[k - 1]] += 1
        negated[r[k - 1]] += "not" in r
    modifiers = ("very", "really", "quite", "so", "truly")
    rate = {w: negated[w] / seen[w] for w in modifiers}
    overall = sum(negated[w] for w in modifiers) / sum(seen[w] for w in modifiers)
    assert 0.25 < overall < 0.35
    assert all(abs(r - overall) < 0.04 for r in rate.values()), rate
    assert negated["not"] == seen["not"] > 0                     # "not good": gap 0


def test_swap_pairs_are_the_same_bag_with_opposite_labels():
    for a, la, b, lb in ds.swap_pairs(300, _rng(10)):
        assert Counter(a) == Counter(b) and la != lb
        assert _parse(a) == la == ds.review_label(a) and _parse(b) == lb == ds.review_label(b)


@pytest.mark.parametrize("gap", [0, 3, 8])
def test_negation_pairs_share_their_last_words(gap):
    for neg, ln, plain, lp in ds.negation_pairs(100, _rng(11), gap):
        assert neg.count("not") == 1 and "not" not in plain and ln != lp
        k = neg.index("not")
        assert neg[:k] + neg[k + 1:] == plain                 # only the "not" differs
        assert neg[k + 1 + gap] in POS | NEG                  # gap words, then the word
        assert _parse(neg) == ln and _parse(plain) == lp


def _split(seed=12, n=(1200, 300, 600), **kw):
    reviews, labels = ds.sentiment_reviews(sum(n), _rng(seed), **kw)
    cut = np.cumsum(n)[:-1]
    return [(reviews[a:b], labels[a:b]) for a, b in zip([0, *cut], [*cut, sum(n)])]


def test_bag_of_words_is_right_without_negation_or_but():
    (tr, ytr), (va, yva), (te, yte) = _split(p_negate=0.0, p_but=0.0, n=(300, 100, 200))
    pred, penalty = ds.bag_of_ngrams_baseline(tr, ytr, va, yva, te, n=1)
    assert np.mean(pred == yte) == 1.0 and penalty > 0


def test_bags_of_words_and_bigrams_cannot_read_the_reviews():
    """The baselines are fitted to convergence and could win; on these data they cannot.
    The bag of words also never beats the best linear rule on one-part reviews."""
    (tr, ytr), (va, yva), (te, yte) = _split()
    for n, ceiling in ((1, 0.65), (2, 0.8)):
        pred, _ = ds.bag_of_ngrams_baseline(tr, ytr, va, yva, te, n=n)
        assert pred.shape == (len(te),) and 0.5 < np.mean(pred == yte) < ceiling, n
        if n == 1:                  # never above the best linear rule on one-part reviews
            one = np.array(["but" not in r for r in te])
            rule = np.array([bool(set(r) & POS) and "not" not in r for r in te])
            assert np.mean(pred[one] == yte[one]) <= np.mean(rule[one] == yte[one])
    # a bigram rule (the word before the sentiment word is "not") is no shortcut either
    one = [i for i, r in enumerate(te) if "but" not in r]
    rule = []
    for i in one:
        r = te[i]
        k = next(j for j, w in enumerate(r) if w in POS | NEG)
        rule.append(int((r[k] in POS) != (r[k - 1] == "not")))
    assert np.mean(np.array(rule) == yte[one]) < 0.85
    # "A but B" and "B but A" are the same bag: the same answer, right on exactly one
    pairs = ds.swap_pairs(50, _rng(13))
    pred, _ = ds.bag_of_ngrams_baseline(tr, ytr, va, yva, [p[0] for p in pairs]
                                        + [p[2] for p in pairs], n=1)
    assert np.array_equal(pred[:50], pred[50:])
    right = (pred[:50] == [p[1] for p in pairs]) + (pred[50:] == [p[3] for p in pairs])
    assert np.all(right == 1)


def test_logistic_fit_reaches_the_optimum():
    """Newton's method lands where the penalised cross-entropy's gradient is zero."""
    from rnn_lib.datasets.sentiment import _fit_logistic
    rng = _rng(14)
    A = np.hstack([rng.standard_normal((200, 5)), np.ones((200, 1))])
    y = (A[:, 0] - A[:, 1] + 0.5 * rng.standard_normal(200) > 0).astype(float)
    w = _fit_logistic(A, y, 0.01, np.zeros(6))
    p = 1 / (1 + np.exp(-A @ w))
    r = np.full(6, 0.01)
    r[-1] = 1e-8
    assert np.abs(A.T @ (p - y) / len(y) + r * w).max() < 1e-10


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


def test_window_baseline_by_hand_and_width_one_is_the_current_token():
    seqs = [["a", "b", "b"], ["b", "a", "b"], ["a", "b", "b"]]
    tags = [np.array([0, 1, 1]), np.array([0, 0, 1]), np.array([0, 1, 0])]
    # width 2: windows (a), (a b), (b b) | (b), (b a), (a b) | (a), (a b), (b b)
    pred = ds.window_baseline(seqs, tags, [["a", "b", "b"], ["b", "b"]], width=2)
    assert pred[0].tolist() == [0, 1, 0]            # (b b) seen with 1 and 0: tie -> 0
    assert pred[1].tolist() == [0, 0]               # (b) -> 0; (b b) -> 0
    train, y = ds.running_count_tags(100, _rng(13))
    test, _ = ds.running_count_tags(50, _rng(14))
    one = ds.window_baseline(train, y, test, width=1)
    assert all(np.array_equal(p, q) for p, q in
               zip(one, ds.current_token_baseline(train, y, test)))
    # a window as long as the longest sequence sees the whole past: perfect on training
    full = ds.window_baseline(train, y, train, width=14)
    assert ds.tag_accuracy(full, y) == 1.0


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


def test_position_table_baseline_reads_positions():
    rng = _rng(16)
    train, test = ds.number_split(rng, n_test=150)
    pred = ds.position_table_baseline(train, test)
    truth = [ds.number_digits(k) for k in test]
    assert len(pred) == 150 and all(set(p) <= set("0123456789-") for p in pred)
    assert ds.exact_match(pred, truth) > 0.95          # a table of positions suffices
    # trained on the test numbers themselves it knows them all
    assert ds.exact_match(ds.position_table_baseline(test, test, steps=500), truth) == 1.0
    with pytest.raises(ValueError, match="train_numbers is empty"):
        ds.position_table_baseline([], test)


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


def test_caption_baselines():
    images, captions = ds.shape_scenes(900, _rng(17))
    major = ds.caption_majority_baseline(captions[:600], 3)
    counts = Counter(tuple(c) for c in captions[:600])
    assert major == [list(counts.most_common(1)[0][0])] * 3
    pred = ds.pixel_linear_baseline(images[:500], captions[:500], images[500:600],
                                    captions[500:600], images[600:])
    truth = captions[600:]
    exact = ds.exact_match(pred, truth)
    words = np.mean([a == b for p, t in zip(pred, truth) for a, b in zip(p, t)])
    assert len(pred) == 300 and all(len(p) == 5 for p in pred)
    assert 0.2 < exact < 0.9 and words > 0.8            # many words right, fewer captions


# -- bad inputs ------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda rng: ds.price_series(10, rng),
    lambda rng: ds.sentiment_reviews(3, rng),
    lambda rng: ds.negation_pairs(3, rng, 2),
    lambda rng: ds.swap_pairs(3, rng),
    lambda rng: ds.running_count_tags(3, rng),
    lambda rng: ds.number_split(rng),
    lambda rng: ds.shape_scenes(2, rng),
])
@pytest.mark.parametrize("bad_rng", [0, None, np.random.RandomState(0)])
def test_rng_must_be_a_generator(call, bad_rng):
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        call(bad_rng)


@pytest.mark.parametrize("call", [
    lambda n: ds.sentiment_reviews(n, _rng()),
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
        ds.sentiment_reviews(5, _rng(), p_negate=1.5)
    with pytest.raises(ValueError, match="max_gap must be >= 0"):
        ds.sentiment_reviews(5, _rng(), max_gap=-1)
    with pytest.raises(ValueError, match="max_len must be >= min_len"):
        ds.running_count_tags(5, _rng(), min_len=5, max_len=4)
    with pytest.raises(ValueError, match="must hold 0 .* and 1 .* only"):
        ds.bag_of_ngrams_baseline([["good"]], [2], [["good"]], [1], [["good"]])
    with pytest.raises(TypeError, match=r"train_reviews\[0\] must be a list of tokens"):
        ds.bag_of_ngrams_baseline(["good film"], [1], [["good"]], [1], [["good"]])
    with pytest.raises(ValueError, match="n must be 1 .* or 2"):
        ds.bag_of_ngrams_baseline([["good"]], [1], [["good"]], [1], [["good"]], n=3)
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


# -- examples to show ---------------------------------------------------------------------
def test_review_label_reads_the_last_part():
    assert ds.review_label("it was not good".split()) == 0
    assert ds.review_label("it was good".split()) == 1
    assert ds.review_label("it was dull but the plot was not bad".split()) == 1
    assert ds.review_label("it was not dull but the plot was bad in the end".split()) == 0
    assert ds.review_label("it was".split()) is None
    assert ds.review_label("it was good and great".split()) is None


def test_picked_examples_are_of_the_promised_kinds():
    reviews, _ = ds.sentiment_reviews(600, _rng(22))
    picks = ds.pick_sentiment_examples(reviews)
    assert picks == ds.pick_sentiment_examples(reviews)              # deterministic
    names = [name for name, _ in picks]
    assert names == ["plain", "not, far back", "A but B", "B but A (same words)"]
    s = dict(picks)
    assert all(len(r) <= 12 for r in s.values())
    assert "not" not in s["plain"] and "but" not in s["plain"]
    assert "not" in s["not, far back"] and "but" not in s["not, far back"]
    one_part = [r for r in reviews if "but" not in r and "not" in r and len(r) <= 12]

    def gap(r):
        return next(i for i, w in enumerate(r) if w in POS | NEG) - r.index("not") - 1
    assert gap(s["not, far back"]) == max(gap(r) for r in one_part)
    assert s["A but B"] in reviews
    assert Counter(s["A but B"]) == Counter(s["B but A (same words)"])
    assert ds.review_label(s["A but B"]) != ds.review_label(s["B but A (same words)"])
    with pytest.raises(ValueError, match="at least two kinds"):
        ds.pick_sentiment_examples([["it", "was", "good"]])


def test_nearest_wave_baseline_and_table():
    kinds, freqs, Y = ds.wave_table(4, 20)
    assert Y.shape == (12, 20) and np.allclose(freqs[:4], [0.0475, 0.0625, 0.0775, 0.0925])
    for k, f, y in zip(kinds, freqs, Y):
        assert np.allclose(y, ds.wave(ds.WAVE_KINDS[k], f, np.arange(20)))
    out = ds.nearest_wave_baseline(kinds, freqs, Y, np.array([2, 0]), np.array([0.08, 0.041]))
    assert np.array_equal(out[0], Y[8 + 2]) and np.array_equal(out[1], Y[0])
    w = ds.waveforms(300, _rng(19), T=20)
    fine = ds.nearest_wave_baseline(w.kinds, w.freqs, w.Y, w.kinds, w.freqs)
    assert np.array_equal(fine, w.Y)                   # every stored wave finds itself
    with pytest.raises(ValueError, match="no wave of kind 1"):
        ds.nearest_wave_baseline(np.array([0]), np.array([0.05]), Y[:1], [1], [0.05])


def test_interpolated_wave_baseline_is_a_straight_line_in_frequency():
    kinds, freqs, Y = ds.wave_table(4, 20)             # freqs 0.0475, 0.0625, ... per kind
    order = np.random.default_rng(0).permutation(12)   # the table need not be sorted
    kinds, freqs, Y = kinds[order], freqs[order], Y[order]
    by = {(k, round(f, 4)): y for k, f, y in zip(kinds, freqs, Y)}
    asked_kinds = np.array([1, 1, 2, 0, 0])
    asked = np.array([0.0625, 0.0675, 0.0850, 0.03, 0.2])
    out = ds.interpolated_wave_baseline(kinds, freqs, Y, asked_kinds, asked)
    assert np.allclose(out[0], by[1, 0.0625])                        # a stored frequency
    w = (0.0675 - 0.0625) / 0.015                                     # a third of the way
    assert np.allclose(out[1], (1 - w) * by[1, 0.0625] + w * by[1, 0.0775])
    assert np.allclose(out[2], 0.5 * (by[2, 0.0775] + by[2, 0.0925]))   # halfway
    assert np.allclose(out[3], by[0, 0.0475]) and np.allclose(out[4], by[0, 0.0925])  # ends
    # between stored waves it is closer to the truth than the nearest stored wave
    w = ds.waveforms(200, _rng(20), T=20)
    truth = w.Y
    near = ds.nearest_wave_baseline(kinds, freqs, Y, w.kinds, w.freqs)
    mixed = ds.interpolated_wave_baseline(kinds, freqs, Y, w.kinds, w.freqs)
    assert np.mean((mixed - truth) ** 2) < np.mean((near - truth) ** 2)
    with pytest.raises(ValueError, match="no wave of kind 1"):
        ds.interpolated_wave_baseline(np.array([0]), np.array([0.05]), Y[:1], [1], [0.05])
    with pytest.raises(ValueError, match="one length"):
        ds.interpolated_wave_baseline(kinds, freqs[:3], Y, [0], [0.05])
