"""Chapter 5's figures and diagram, checked against independent computations."""
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
from rnn_lib.explorers import forecast as fx  # noqa: E402
from rnn_lib.explorers import problems as px  # noqa: E402
from rnn_lib.explorers import sentiment as sx  # noqa: E402
from rnn_lib.explorers import waves as wx  # noqa: E402


# Quickly trained models, as the figures make them when called without a run.
@pytest.fixture(scope="module")
def price_run():
    return pr.price_forecast(steps=50)


@pytest.fixture(scope="module")
def sentiment_run():
    return pr.sentiment(steps=100)


@pytest.fixture(scope="module")
def wave_run():
    return pr.waveform(steps=100)


@pytest.fixture(scope="module")
def count_run():
    return pr.running_count(steps=20)


@pytest.fixture(scope="module")
def number_run():
    return pr.number_words(steps=20)


def _lines(ex):
    return [line for ax in ex.fig.axes for line in ax.get_lines()]


def test_found_and_drawn_without_a_run(price_run, sentiment_run, wave_run):
    """Called with no argument, each figure trains the quick seeded demo run."""
    assert {"forecast", "sentiment", "waveform"} <= set(ALL)
    for make, run, values in [
            (fx.forecast_explorer, price_run, {"window": 0.0}),
            (sx.sentiment_explorer, sentiment_run, {"word": 2.0}),
            (wx.waveform_explorer, wave_run, {"freq": 0.1})]:
        assert make().live_frame(**values) == make(run).live_frame(**values)


# -- forecast ------------------------------------------------------------------------------
def test_forecast_frames_differ_and_plot_prices_relative_to_today(price_run):
    ex = fx.forecast_explorer(price_run)
    idx = fx.forecast_windows(price_run)
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
        fx.forecast_explorer(sentiment_run)


# -- sentiment -----------------------------------------------------------------------------
def _mesh(ex):
    return next(c for c in ex.fig.axes[2].collections)


def test_sentiment_states_equal_the_padded_batch_forward(sentiment_run):
    """The heatmap shows x_0..x_t of rl.forward on the padded batch of the shown reviews."""
    ex = sx.sentiment_explorer(sentiment_run)
    data = sentiment_run.data
    vocab = data["vocab"]
    picks = ds.pick_sentiment_examples(data["sentences"])
    assert [name for name, _ in picks] == ex.sliders[0].grid()
    reviews = [words for _, words in picks]
    P = sq.pad([vocab.encode(s) for s in reviews])
    tr = rl.forward(sentiment_run.model, sq.one_hot(P.ids, len(vocab)), lengths=P.lengths,
                    output_activation="softmax")
    L_max = max(len(r) for r in reviews)
    for b, (name, words) in enumerate(picks):
        L = len(words)
        for t in (0, L // 2, L - 1):
            ex.render(sentence=name, word=float(t))
            shown = np.ma.filled(_mesh(ex).get_array(), np.nan).reshape(-1, L_max)
            assert np.allclose(shown[:, :t + 1], tr.X[:t + 1, b].T)
            assert np.all(np.isnan(shown[:, t + 1:]))                 # unread words blank
            pline = next(ln for ln in ex.fig.axes[1].get_lines() if ln.get_marker() == "o")
            assert np.allclose(pline.get_ydata(), tr.Y[:t + 1, b, 1])
        # the final P(positive) is the recipe's own prediction; the label is the rule's
        assert np.isclose(tr.Y[L - 1, b, 1], pr.prob_positive(sentiment_run.model, vocab,
                                                              [words])[0])
        assert f"true label: {['negative', 'positive'][ds.review_label(words)]}" in ex.status
    # the two reviews of the swap are in the test set and its mirror image
    assert dict(picks)["A but B"] in data["sentences"]


def test_sentiment_sentence_over_draws(sentiment_run):
    ex = sx.sentiment_explorer(sentiment_run)
    picks = ds.pick_sentiment_examples(sentiment_run.data["sentences"])
    L_max = max(len(words) for _, words in picks)
    name, words = min(picks, key=lambda p: len(p[1]))
    L = len(words)
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


def test_negation_probe_plot_draws_medians_and_every_run():
    gaps = np.arange(6)
    both = np.array([[1.0, 0.9, 0.95, 1.0, 0.8, 0.4], [0.9, 1.0, 1.0, 0.9, 0.6, 0.2],
                     [1.0, 1.0, 1.0, 1.0, 0.9, 0.7]])
    ax = sx.plot_negation_probe(gaps, both, trained_gap=3, swap=[0.99, 1.0, 0.98])
    _drawn(ax.figure)
    bars = [p for p in ax.patches if p.get_width() == pytest.approx(0.7)]
    assert np.allclose([b.get_height() for b in bars],
                       list(np.median(both, axis=0)) + [0.99])
    dots = [ln for ln in ax.get_lines() if ln.get_marker() == "o" and len(ln.get_xdata())]
    assert len(dots) == 3 and np.allclose(dots[1].get_ydata()[:6], both[1])
    assert [t.get_text() for t in ax.get_xticklabels()][:6] == [str(g) for g in gaps]
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="one column per gap"):
        sx.plot_negation_probe(gaps, both[:, :4])


def test_sentiment_custom_examples(sentiment_run):
    ex = sx.sentiment_explorer(sentiment_run, ["not good", "the film was great"])
    assert ex.sliders[0].grid() == ["not good", "the film was great"]
    assert ex.sliders[1].grid() == [0.0, 1.0, 2.0, 3.0]
    ex.render(sentence="not good", word=3.0)
    assert "sentence over" in ex.status
    assert ds.review_label("it was not good".split()) == 0
    with pytest.raises(ValueError, match="not in the vocabulary"):
        sx.sentiment_explorer(sentiment_run, ["it was splendid", "it was good"])
    with pytest.raises(ValueError, match="at least 2"):
        sx.sentiment_explorer(sentiment_run, ["it was good"])


# -- waveform ------------------------------------------------------------------------------
def test_waveform_output_is_the_forward_pass(wave_run):
    ex = wx.waveform_explorer(wave_run)
    ex.render(kind="triangle", freq=0.055, length=90.0)
    U = pr.one_input(ds.wave_input("triangle", 0.055)[None], 90)
    Y = rl.forward(wave_run.model, U).Y[:, 0, 0]
    target, out = ex.fig.axes[0].get_lines()[:2]
    assert np.allclose(out.get_ydata(), Y)
    assert np.allclose(target.get_ydata(), ds.wave("triangle", 0.055, np.arange(90)))
    y30, _ = pr.generate_wave(wave_run.model, "triangle", 0.055, 30)
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
        ex = wx.waveform_explorer(run)
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
    ax = px.plot_scene(images[0], title=" ".join(captions[0]))
    assert ax.get_xticks().size == 0 and ax.get_yticks().size == 0
    assert ax.get_title() == " ".join(captions[0]) and len(ax.get_images()) == 1
    assert ax.get_images()[0].get_array().max() <= 1.0
    plt.close(ax.figure)
    fig, ax2 = plt.subplots()
    assert px.plot_scene(images[0], ax=ax2) is ax2
    plt.close(fig)


def test_plot_scenes_titles_each_image_with_its_caption():
    images, captions = ds.shape_scenes(3, np.random.default_rng(0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = px.plot_scenes(images, captions)
        fig.canvas.draw()
    assert [ax.get_title() for ax in fig.axes] == [" ".join(c) for c in captions]
    assert all(len(ax.get_images()) == 1 for ax in fig.axes)
    plt.close(fig)
    with pytest.raises(ValueError, match="3 images and 2 captions"):
        px.plot_scenes(images, captions[:2])


# -- the static figures of the trained models ------------------------------------------------
def _drawn(fig):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()
    return fig


def test_price_data_shows_the_scaled_returns_and_one_window(price_run):
    d = price_run.data
    fig = _drawn(fx.plot_price_data(price_run, example=600))
    ax1, ax2 = fig.axes
    assert np.allclose(ax1.get_lines()[0].get_ydata(), d["prices"])
    u = np.diff(np.log(d["prices"])) / d["scale"]
    assert np.allclose(ax2.get_lines()[0].get_ydata(), u)
    W = d["window"]
    star = ax2.get_lines()[1]                      # the target of window 600
    assert star.get_xdata()[0] == 600 + W + 1 and star.get_ydata()[0] == u[600 + W]
    # it is the next day's return, the same number price_windows makes the target
    w = ds.price_windows(d["prices"], window=W)
    assert np.isclose(star.get_ydata()[0] * d["scale"], w.target[600])
    plt.close(fig)


def test_count_tags_print_the_count_the_tags_and_the_predictions(count_run, price_run):
    d = count_run.data
    show = [24, 17, 15]
    fig = _drawn(px.plot_count_tags(count_run, show=show))
    assert len(fig.axes) == 3
    for ax, i in zip(fig.axes, show):
        seq = d["sequences"][i]
        texts = [t.get_text() for t in ax.texts]
        count = [sum(tok == "a" for tok in seq[:t + 1]) for t in range(len(seq))]
        expect = [str(v) for t in range(len(seq))
                  for v in (count[t], d["tags"][i][t], d["predicted"][i][t])]
        assert texts == expect
        assert [t.get_text() for t in ax.get_xticklabels()] == seq
    plt.close(fig)
    with pytest.raises(ValueError, match="running_count"):
        px.plot_count_tags(price_run)


def test_accuracy_by_length_bars_are_exact_match_per_length(number_run):
    d = number_run.data
    ax = px.plot_accuracy_by_length(number_run)
    _drawn(ax.figure)
    n = np.array([len(w) for w in d["words"]])
    sizes = np.arange(1, n.max() + 1)
    bars = ax.patches
    assert len(bars) == 2 * len(sizes)
    rnn, base = bars[:len(sizes)], bars[len(sizes):]
    for k, size in enumerate(sizes):
        idx = np.flatnonzero(n == size)
        pick = [d["predicted"][j] for j in idx]
        truth = [d["digits"][j] for j in idx]
        dictionary = [ds.word_by_word_baseline(d["words"][j]) for j in idx]
        assert rnn[k].get_height() == pytest.approx(ds.exact_match(pick, truth))
        assert base[k].get_height() == pytest.approx(ds.exact_match(dictionary, truth))
    plt.close(ax.figure)


def test_test_waves_are_the_forward_pass(wave_run):
    d = wave_run.data
    fig = _drawn(wx.plot_test_waves(wave_run))
    assert len(fig.axes) == 3
    for k, ax in enumerate(fig.axes):
        j = np.flatnonzero(d["kinds"] == k)[0]
        target, out = ax.get_lines()
        t = np.arange(d["T"])
        assert np.allclose(target.get_ydata(), ds.wave(ds.WAVE_KINDS[k], d["freqs"][j], t))
        y, _ = pr.generate_wave(wave_run.model, ds.WAVE_KINDS[k], d["freqs"][j], d["T"])
        assert np.allclose(out.get_ydata(), y)
    plt.close(fig)


def test_training_losses_are_moving_averages(price_run, wave_run):
    runs = [("price", price_run), ("wave", wave_run)]
    ax = px.plot_training_losses(runs, width=5)
    _drawn(ax.figure)
    lines = ax.get_lines()
    assert len(lines) == 4                          # a curve and a dot per run
    for (_, run), curve, dot in zip(runs, lines[0::2], lines[1::2]):
        loss = np.asarray(run.history["loss"])
        mean5 = np.array([loss[i:i + 5].mean() for i in range(len(loss) - 4)])
        assert np.allclose(curve.get_ydata(), mean5)
        assert np.allclose(curve.get_xdata(), np.arange(len(mean5)) + 2)
        assert dot.get_ydata()[0] in curve.get_ydata()
    assert ax.get_title().startswith("Training loss of the two models")
    plt.close(ax.figure)
