"""Chapter 5's slider figures and diagram, checked against independent computations."""
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnn_lib as rl  # noqa: E402
from rnn_lib import datasets as ds  # noqa: E402
from rnn_lib import problems as pr  # noqa: E402
from rnn_lib import sequences as sq  # noqa: E402
from rnn_lib.diagrams import problem_types_figure  # noqa: E402
from rnn_lib.explorers import ALL  # noqa: E402
from rnn_lib.explorers import problems as ep  # noqa: E402


# The quickly trained demo models of the registered figures (cached: trained once).
@pytest.fixture(scope="module")
def price_run():
    return ep._demo_run("price_forecast", 50)


@pytest.fixture(scope="module")
def sentiment_run():
    return ep._demo_run("sentiment", 100)


@pytest.fixture(scope="module")
def wave_run():
    return ep._demo_run("waveform", 100)


def _lines(ex):
    return [line for ax in ex.fig.axes for line in ax.get_lines()]


def test_registered():
    assert {"forecast", "sentiment_steps", "waveform_generation"} <= set(ALL)


# -- forecast ------------------------------------------------------------------------------
def test_forecast_frames_differ_and_plot_prices_relative_to_today(price_run):
    ex = ep.forecast_explorer(price_run)
    idx = ep.forecast_windows(price_run)
    assert [int(v) for v in ex.sliders[0].grid()] == list(idx) and 10 <= len(idx) <= 16
    assert idx[0] == 0 and idx[-1] == len(price_run.data["next_price"]) - 1
    H = price_run.data["history_prices"]
    ax = ex.fig.axes[0]
    lo, hi = ax.get_ylim()
    drawn = set()
    for i in idx:
        drawn.add(np.asarray(ex.overlay(window=float(i))).tobytes())
        past = next(line for line in ax.get_lines() if len(line.get_xdata()) == H.shape[1])
        expected = 100 * (H[i] / H[i, -1] - 1)
        assert np.allclose(past.get_ydata(), expected)
        assert np.array_equal(past.get_xdata(), np.arange(-H.shape[1] + 1, 1))
        # every drawn value of every window stays inside the fixed limits
        for line in ax.get_lines():
            y = np.asarray(line.get_ydata(), dtype=float)
            if line.get_animated() and y.size:
                assert np.all((y > lo) & (y < hi)), line.get_label()
    assert len(drawn) == len(idx)                        # every window draws differently
    # the status line reports each forecast's absolute error in price units
    i = int(idx[3])
    ex.render(window=float(i))
    text = ex.status
    for name, p in price_run.data["pred_price"].items():
        err = abs(p[i] - price_run.data["next_price"][i])
        assert f"{name} {err:.2f}" in text


def test_forecast_needs_the_price_run(sentiment_run):
    with pytest.raises(ValueError, match="price_forecast"):
        ep.forecast_explorer(sentiment_run)


# -- sentiment -----------------------------------------------------------------------------
def _mesh(ex):
    return next(c for c in ex.fig.axes[2].collections)


def test_sentiment_states_equal_the_padded_batch_forward(sentiment_run):
    """The heatmap shows x_0..x_t of rl.forward on the padded batch of all test sentences."""
    ex = ep.sentiment_explorer(sentiment_run)
    data = sentiment_run.data
    vocab, sents = data["vocab"], data["sentences"]
    P = sq.pad([vocab.encode(s) for s in sents])
    tr = rl.forward(sentiment_run.model, sq.one_hot(P.ids, len(vocab)), lengths=P.lengths,
                    output_activation="softmax")
    picks = ds.pick_sentiment_examples(sents)
    L_max = max(len(sents[i]) for _, i in picks)
    for name, b in picks:
        L = len(sents[b])
        for t in (0, L // 2, L - 1):
            ex.render(sentence=name, word=float(t))
            shown = np.ma.filled(_mesh(ex).get_array(), np.nan).reshape(-1, L_max)
            assert np.allclose(shown[:, :t + 1], tr.X[:t + 1, b].T)
            assert np.all(np.isnan(shown[:, t + 1:]))                 # unread words blank
            pline = next(ln for ln in ex.fig.axes[1].get_lines() if ln.get_marker() == "o")
            assert np.allclose(pline.get_ydata(), tr.Y[:t + 1, b, 1])
        # the final P(positive) is the recipe's own prediction
        i = picks.index((name, b))
        assert np.isclose(tr.Y[L - 1, b, 1], data["p_positive"][b]), i


def test_sentiment_sentence_over_draws(sentiment_run):
    ex = ep.sentiment_explorer(sentiment_run)
    sents = sentiment_run.data["sentences"]
    picks = ds.pick_sentiment_examples(sents)
    L_max = max(len(sents[i]) for _, i in picks)
    name, b = min(picks, key=lambda p: len(sents[p[1]]))
    L = len(sents[b])
    assert L < L_max
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        img = np.asarray(ex.render(sentence=name, word=float(L_max - 1)))
    assert img.std() > 0
    assert "sentence over" in ex.status and f"({L} words)" in ex.status
    shown = np.ma.filled(_mesh(ex).get_array(), np.nan).reshape(-1, L_max)
    assert np.all(np.isfinite(shown[:, :L])) and np.all(np.isnan(shown[:, L:]))
    # each word position past the end is a different frame (the cursor moves)
    a = ex.live_frame(sentence=name, word=float(L))
    assert a != ex.live_frame(sentence=name, word=float(L_max - 1))


def test_sentiment_custom_examples(sentiment_run):
    ex = ep.sentiment_explorer(sentiment_run, ["not good", "the film was great"])
    assert ex.sliders[0].grid() == ["not good", "the film was great"]
    assert ex.sliders[1].grid() == [0.0, 1.0, 2.0, 3.0]
    ex.render(sentence="not good", word=3.0)
    assert "sentence over" in ex.status
    assert ds.rule_label("it was not good".split()) == 0
    with pytest.raises(ValueError, match="not in the vocabulary"):
        ep.sentiment_explorer(sentiment_run, ["it was splendid", "it was good"])
    with pytest.raises(ValueError, match="at least 2"):
        ep.sentiment_explorer(sentiment_run, ["it was good"])


# -- waveform ------------------------------------------------------------------------------
def test_waveform_output_is_the_forward_pass(wave_run):
    ex = ep.waveform_explorer(wave_run)
    ex.render(kind="triangle", freq=0.055, length=90.0)
    U = pr.one_input(ds.wave_input("triangle", 0.055)[None], 90)
    Y = rl.forward(wave_run.model, U).Y[:, 0, 0]
    target, out = ex.fig.axes[0].get_lines()[:2]
    assert np.allclose(out.get_ydata(), Y)
    assert np.allclose(target.get_ydata(), ds.wave("triangle", 0.055, np.arange(90)))
    y30, _ = ep.generate_wave(wave_run.model, "triangle", 0.055, 30)
    assert np.allclose(y30, Y[:30])                                   # causal: a prefix
    mse_in = np.mean((Y[:30] - ds.wave("triangle", 0.055, np.arange(30))) ** 2)
    assert f"MSE t < 30: {mse_in:.3f}" in ex.status
    ex.render(length=30.0)
    assert "not generated" in ex.status


@pytest.mark.parametrize("scale", [1e3, 1e200])
def test_waveform_with_huge_weights_says_so_in_the_status_line(wave_run, scale):
    W_xx, W_xu, W_yx, b_x, b_y = wave_run.model
    big = rl.Params(scale * W_xx, scale * W_xu, scale * W_yx, b_x, b_y)
    run = wave_run._replace(model=big)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ex = ep.waveform_explorer(run)
        for values in ex.static_grid()[::9] + [dict(kind="square", freq=0.1, length=120.0)]:
            img = np.asarray(ex.render(**values))
            assert img.std() > 0
            assert "diverges" in ex.status or "leaves the plot" in ex.status, ex.status


# -- diagram -------------------------------------------------------------------------------
def test_problem_types_figure_draws_four_titled_panels():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = problem_types_figure()
        fig.canvas.draw()
    axs = fig.axes
    assert len(axs) == 4
    titles = [a.get_title() for a in axs]
    for word, title in zip(["one-to-many", "many-to-one", "many-to-many", "seq2seq"], titles):
        assert word in title
    assert "waveform" in titles[0] and "sentiment" in titles[1] and "digits" in titles[3]
    assert all(len(a.patches) > 10 for a in axs)
    plt.close(fig)


def test_problem_types_figure_on_given_axes():
    fig, axs = plt.subplots(1, 4, figsize=(10, 3))
    assert problem_types_figure(axs) is fig
    with pytest.raises(ValueError, match="give 4 Axes"):
        problem_types_figure(axs[:3])
    plt.close(fig)


# -- shape scenes --------------------------------------------------------------------------
def test_plot_scene_draws_without_ticks():
    images, captions = ds.shape_scenes(1, np.random.default_rng(17))
    ax = ep.plot_scene(images[0], title=" ".join(captions[0]))
    assert ax.get_xticks().size == 0 and ax.get_yticks().size == 0
    assert ax.get_title() == " ".join(captions[0]) and len(ax.get_images()) == 1
    assert ax.get_images()[0].get_array().max() <= 1.0
    plt.close(ax.figure)
    fig, ax2 = plt.subplots()
    assert ep.plot_scene(images[0], ax=ax2) is ax2
    plt.close(fig)
