"""Chapter 3's figures: the weight-sharing diagram, the pulse-memory figure and the
hidden-state explorer draw, and say what they show."""
import warnings

import matplotlib
import pytest

from rnn_lib import diagrams
from rnn_lib.explorers import rnn_state as rs

matplotlib.use("Agg")


# -- figures ---------------------------------------------------------------------------
def _texts(fig):
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def test_weight_sharing_diagram_draws_with_every_weight_labelled_on_every_step():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = diagrams.plot_weight_sharing(T=4)
        fig.canvas.draw()
    texts = _texts(fig)
    # folded form + 4 steps (+ the W_xx from x_{-1} is one of the 4)
    assert texts.count("$W_{xu}$") == 5 and texts.count("$W_{yx}$") == 5
    assert texts.count("$W_{xx}$") == 5
    for t in range(4):
        assert f"$u_{t}$" in texts and f"$x_{t}$" in texts and f"$y_{t}$" in texts
    assert "$x_{-1}$" in texts
    assert any("1-D convolution" in t for t in texts)
    matplotlib.pyplot.close(fig)


def test_diagram_input_errors():
    with pytest.raises(ValueError, match="T must be >= 1"):
        diagrams.draw_unrolled_rnn(T=0)
    with pytest.raises(ValueError, match="kernel of 3 weights"):
        diagrams.draw_conv_sharing(kernel=("a", "b"))


def test_pulse_memory_figure_draws():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = rs.plot_pulse_memory(radii=(0.5, 0.9), T=40)
        fig.canvas.draw()
    assert len(fig.axes) == 2 and fig.axes[0].get_yscale() == "log"
    matplotlib.pyplot.close(fig)


def test_hidden_state_explorer_reports_divergence_without_warnings():
    ex = rs.hidden_state_explorer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ex.render(rho=1.5, sigma="identity")
    assert "diverges" in ex.status
    ex.render(rho=0.5, sigma="tanh")
    assert "forgotten" in ex.status
    ex.render(rho=0.9, gain=4.0, sigma="tanh")
    assert "saturated" in ex.status
    # the status line is text beside the figure, not drawn in it
    assert not any(isinstance(a, matplotlib.text.Text) for a in ex._animated)


def test_hidden_state_status_line_is_what_hidden_state_fate_says():
    """The chapter glues numbers from hidden_state_fate; the figure shows the same."""
    ex = rs.hidden_state_explorer()
    for kw in [dict(rho=0.5), dict(rho=0.9), dict(rho=1.3, sigma="identity"),
               dict(rho=1.5, sigma="relu"), dict(rho=1.2), dict(rho=0.9, gain=4.0)]:
        ex.render(**kw)
        fate = rs.hidden_state_fate(**kw)
        if fate.kind == "forgotten":
            assert ex.status.startswith(f"forgotten {fate.steps} steps after the last pulse")
        elif fate.kind == "diverged":
            assert f"from t = {fate.steps}" in ex.status
        else:
            assert ex.status.startswith("kept")
    assert rs.hidden_state_fate(0.9).steps == 31 and rs.hidden_state_fate(0.5).steps == 6


def test_phase_portrait_shows_the_marginal_point_at_s_equal_1_on_the_website():
    ex = rs.rnn_phase_explorer()
    scale = next(s for s in ex.sliders if s.name == "scale")
    assert 1.0 in scale.grid(static=True)
    ex.render(theta=0.0, scale=1.0)
    assert "1 marginal" in ex.status
