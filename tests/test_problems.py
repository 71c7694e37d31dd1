"""Chapter 5's recipes: wiring, determinism and that each really trains.

The full recipes run (and their scores are asserted) in the chapter's notebook with
seed 0; here they run with few steps, which is enough to check the wiring: what the
network reads, where the loss is taken, what the baselines compute. The last tests
train the full recipes with seeds 1 and 2 and check the claims the chapter makes
about every seed (they were checked for seeds 0-4 when the chapter was written).
"""
import numpy as np
import pytest

import rnn_lib as rl
from rnn_lib import datasets as ds
from rnn_lib import problems
from rnn_lib import sequences as sq


def test_one_input_puts_the_vector_at_step_zero_only():
    v = np.arange(6.0).reshape(2, 3)
    U = problems.one_input(v, 4)
    assert U.shape == (4, 2, 3)
    assert np.array_equal(U[0], v) and not U[1:].any()


@pytest.mark.parametrize("name,steps", [("price_forecast", 60), ("sentiment", 60),
                                        ("running_count", 60), ("number_words", 60),
                                        ("waveform", 60), ("captions", 60)])
def test_recipes_are_deterministic_and_lower_the_loss(name, steps):
    a = problems.RECIPES[name](steps=steps)
    b = problems.RECIPES[name](steps=steps)
    assert a.score == b.score and np.array_equal(a.history["loss"], b.history["loss"])
    loss = a.history["loss"]
    assert np.mean(loss[-10:]) < np.mean(loss[:10])
    assert set(a.baselines) and all(np.isfinite(v) for v in a.baselines.values())
    assert a.seconds > 0 and "better" in a.metric


def test_price_forecast_maps_returns_back_to_prices():
    run = problems.price_forecast(steps=20)
    d = run.data
    assert np.allclose(d["pred_price"]["tomorrow = today"], d["last_price"])
    assert np.allclose(d["history_prices"][:, -1], d["last_price"])
    # The persistence baseline's score is the mean squared scaled return of the test days.
    prices = d["prices"]
    r = np.diff(np.log(prices))[d["test_start"] + d["window"]:] / d["scale"]
    assert np.isclose(run.baselines["tomorrow = today"], np.mean(r ** 2))
    # The RNN's forecast is last price times exp(scale * y_{T-1}).
    w = ds.price_windows(prices, d["window"])
    y = rl.forward(run.model, w.U[:, d["test_start"]:] / d["scale"]).Y[-1, :, 0]
    assert np.allclose(d["pred_price"]["RNN"], d["last_price"] * np.exp(d["scale"] * y))
    # Every baseline's score is the MSE of its forecast of the scaled test returns.
    assert np.allclose(d["target"], w.target[d["test_start"]:] / d["scale"])
    for name, score in run.baselines.items():
        assert score == pytest.approx(np.mean((d["pred"][name] - d["target"]) ** 2))
    # AR(1) is a least-squares line through (yesterday's return, the next one).
    U = w.U[:, :, 0] / d["scale"]
    n_tr = int(0.7 * U.shape[1])
    slope, icpt = np.polyfit(U[-1, :n_tr], w.target[:n_tr] / d["scale"], 1)
    assert np.allclose(d["pred"]["AR(1), yesterday only"],
                       icpt + slope * U[-1, d["test_start"]:])
    # The oracle misses exactly the noise: mu + phi (r - mu) + a sin(2 pi t / 5).
    r = np.diff(np.log(prices))
    days = np.arange(d["test_start"], U.shape[1]) + d["window"] + 1
    mean = (0.0003 + 0.6 * (r[days - 2] - 0.0003) + 0.004 * np.sin(2 * np.pi * days / 5))
    assert np.allclose(d["pred"]["knows the equation"] * d["scale"], mean)


def test_sentiment_prediction_is_read_at_each_sentences_last_word():
    run = problems.sentiment(steps=30)
    vocab, sents = run.data["vocab"], run.data["sentences"]
    for i in (0, 1, 2):
        U = sq.one_hot(vocab.encode(sents[i]), len(vocab))
        p = rl.forward(run.model, U, output_activation="softmax").Y[-1, 1]
        assert np.isclose(p, run.data["p_positive"][i])
    assert np.allclose(problems.prob_positive(run.model, vocab, sents[:5]),
                       run.data["p_positive"][:5])
    labels = run.data["labels"]
    for n, name in ((1, "bag of words"), (2, "bag of words and bigrams")):
        assert run.baselines[name] == np.mean(run.data["bag_predictions"][n] == labels)
    # the baselines refitted here from the reviews themselves (the recipe's defaults:
    # seed 0, 1200 training, 300 validation, 600 test reviews) score the same
    sents, y = ds.sentiment_reviews(2100, np.random.default_rng(0))
    assert sents[1500:] == run.data["sentences"] and np.array_equal(y[1500:], labels)
    for n, name in ((1, "bag of words"), (2, "bag of words and bigrams")):
        pred = ds.bag_of_ngrams_baseline(sents[:1200], y[:1200], sents[1200:1500],
                                         y[1200:1500], sents[1500:], n=n)[0]
        assert run.baselines[name] == np.mean(pred == y[1500:])


def test_pairs_both_right_counts_pairs():
    """A hand-made model that answers "positive" whatever it reads is right on exactly one
    review of every pair, so it gets no pair both right; a pair of two copies of one
    positive review is both right."""
    vocab = sq.Vocabulary.from_sequences([["it", "was", "not", "good", "bad"]], specials=())
    V = len(vocab)
    always = rl.Params(np.zeros((2, 2)), np.zeros((2, V)), np.zeros((2, 2)), np.zeros(2),
                       np.array([0.0, 1.0]))
    pairs = [(["it", "was", "not", "good"], 0, ["it", "was", "good"], 1),
             (["it", "was", "not", "bad"], 1, ["it", "was", "bad"], 0)]
    assert problems.pairs_both_right(always, vocab, pairs) == 0.0
    twice = [(["it", "was", "good"], 1, ["it", "was", "good"], 1)]
    assert problems.pairs_both_right(always, vocab, twice) == 1.0


def test_number_words_translate_decodes_to_digit_tokens():
    run = problems.number_words(steps=30)
    out = run.data["translate"](run.model, np.array([7, 302]))
    assert len(out) == 2 and all(set(o) <= set("0123456789") for o in out)
    assert all(len(o) <= 4 for o in out)


def test_count_and_waveform_baselines():
    run = problems.running_count(steps=20)
    assert set(run.baselines) == {"current token only", "last 5 tokens"}
    wave = problems.waveform(steps=20)
    d = wave.data
    table = f"table of {d['table_per_kind']} waves per kind"
    assert set(wave.baselines) == {"average wave", "nearest training wave", table,
                                   "the same table, interpolated"}
    # the small table stores at most as many numbers as the RNN has parameters
    assert 3 * d["table_per_kind"] * (d["T"] + 1) <= wave.model.n_params
    assert wave.baselines["nearest training wave"] < 1e-3     # the lookup wins, by far


def test_captions_recipe_decodes_five_words():
    run = problems.captions(steps=20, n_train=200, n_val=50, n_test=50)
    assert len(run.data["predicted"]) == 50 == len(run.data["captions"])
    assert all(len(c) <= 6 for c in run.data["predicted"])
    assert run.baselines["most common caption"] < 0.1


# -- what the chapter claims for every seed (full budgets: about 10 s) ---------------------
@pytest.mark.parametrize("seed", [1, 2])
def test_price_claims_hold_for_other_seeds(seed):
    run = problems.price_forecast(seed)
    d = run.data
    assert run.score < 0.85 * run.baselines["tomorrow = today"]
    _, lo, hi = ds.mse_difference_interval(d["pred"]["RNN"], d["pred"]["AR(1), yesterday only"],
                                           d["target"], np.random.default_rng(0))
    assert lo < 0 < hi                    # never measurably better than one day of memory


@pytest.mark.parametrize("seed", [1, 2])
def test_number_words_claims_hold_for_other_seeds(seed):
    run = problems.number_words(seed)
    d = run.data
    assert run.baselines["word by word"] < run.score < run.baselines["position table (linear)"]
    one_word = [p == t for p, t, w in zip(d["predicted"], d["digits"], d["words"])
                if len(w) == 1]
    assert one_word and not any(one_word)            # every one-word test number is wrong


@pytest.mark.parametrize("seed", [1, 2])
def test_waveform_claims_hold_for_other_seeds(seed):
    run = problems.waveform(seed)
    base = run.baselines
    table = f"table of {run.data['table_per_kind']} waves per kind"
    assert base["nearest training wave"] < 0.1 * run.score < 0.1 * base[table]
    # a table of the RNN's size: worse than the RNN read by the nearest wave, as good or
    # better interpolated (seeds 0-4: better in four, 6 % behind in the fifth)
    assert base["the same table, interpolated"] < 1.2 * run.score
    for kind in ds.WAVE_KINDS:                        # the late rhythm stays in the range
        for f in (0.04, 0.07, 0.1):
            y, _ = problems.generate_wave(run.model, kind, f, 400)
            z = np.flatnonzero(np.sign(y[201:]) != np.sign(y[200:-1]))
            late = (len(z) - 1) / (2 * (z[-1] - z[0]))
            assert ds.FREQ_RANGE[0] < late < ds.FREQ_RANGE[1]


def test_captions_the_linear_read_out_can_be_ahead():
    """Chapter 5 says its captioner's lead over the linear read-out of the pixels (seed 0)
    depends on the seed. Seeds 0-4 gave, when this was written, exact matches of
    0.64 0.55 0.40 0.51 0.49 for the captioner and 0.52 0.49 0.49 0.45 0.51 for the
    linear read-out: ahead in three seeds, behind in two. Seed 2 is one of the two."""
    run = problems.captions(2)
    assert run.score < run.baselines["pixels, linear"] - 0.03


def test_sentiment_claims_hold_for_one_more_seed():
    """The chapter trains seeds 0-2; seed 3 must tell the same story (seed 4 did too)."""
    run = problems.sentiment(3)
    assert run.score > 0.95 and run.score > max(run.baselines.values()) + 0.2
    swap = problems.pairs_both_right(run.model, run.data["vocab"],
                                     ds.swap_pairs(300, np.random.default_rng(8)))
    assert swap > 0.9
