"""Chapter 5's recipes: wiring, determinism and that each really trains.

The full recipes run (and their scores are asserted) in the chapter's notebook;
here they run with few steps, which is enough to check the wiring: what the
network reads, where the loss is taken, what the baselines compute.
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
                                        ("waveform", 60)])
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


def test_sentiment_prediction_is_read_at_each_sentences_last_word():
    run = problems.sentiment(steps=30)
    vocab, sents = run.data["vocab"], run.data["sentences"]
    for i in (0, 1, 2):
        U = sq.one_hot(vocab.encode(sents[i]), len(vocab))
        p = rl.forward(run.model, U, output_activation="softmax").Y[-1, 1]
        assert np.isclose(p, run.data["p_positive"][i])


def test_number_words_translate_decodes_to_digit_tokens():
    run = problems.number_words(steps=30)
    out = run.data["translate"](run.model, np.array([7, 302]))
    assert len(out) == 2 and all(set(o) <= set("0123456789") for o in out)
    assert all(len(o) <= 4 for o in out)
