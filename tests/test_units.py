"""What chapter 6's units share (rnn_lib._units, and the loss plumbing in rnn_lib.losses
that bptt uses too): argument checks and losses, each against an independent
computation; and chapter 6's static figures drawn once."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnn_lib as rl  # noqa: E402
from rnn_lib import _units, gru, leaky, losses, tasks  # noqa: E402
from rnn_lib import marked_copy as mc  # noqa: E402
from rnn_lib.explorers import gates, linear_units  # noqa: E402


def test_check_sequence_gives_zeros_and_the_mask_of_real_steps(rng):
    U = rng.standard_normal((5, 3, 2))
    U1, x0, valid = _units.check_sequence(U, None, np.array([5, 2, 4]), 4, 2, "B")
    assert U1.shape == U.shape and np.array_equal(x0, np.zeros((3, 4)))
    np.testing.assert_array_equal(valid[:, 1], [1, 1, 0, 0, 0])
    assert _units.check_sequence(U[:, 0], None, None, 4, 2, "B")[2] is None
    with pytest.raises(ValueError, match="U has 2 features but W_q take 3"):
        _units.check_sequence(U, None, None, 4, 3, "W_q")
    with pytest.raises(ValueError, match=r"x_init must have shape \(3, 4\)"):
        _units.check_sequence(U, np.zeros(4), None, 4, 2, "B")


def test_as_params_converts_a_tuple_and_names_the_fields():
    p = _units.as_params(tuple(np.zeros(1) for _ in range(14)), gru.Params, "gru.Params")
    assert isinstance(p, gru.Params)
    with pytest.raises(TypeError, match="params must be gru.Params"):
        _units.as_params([1, 2], gru.Params, "gru.Params")


def test_loss_and_dZ_counts_the_real_steps_and_matches_the_losses(rng):
    p = rl.init_params(4, 3, 2, rng)
    U, lengths = rng.standard_normal((6, 3, 3)), np.array([6, 2, 4])
    target = rng.standard_normal((6, 3, 2))
    tr = leaky.forward(p, U, alpha=0.5, lengths=lengths, output_activation="sigmoid")
    L, dZ = losses.loss_and_dZ(tr, target, "mse")
    L_ref, dY = rl.mse(tr.Y, target, rl.length_mask(lengths, 6))
    assert np.isclose(L, L_ref)
    np.testing.assert_allclose(dZ, dY * tr.Y * (1 - tr.Y), rtol=1e-14)   # through sigmoid
    assert np.all(dZ[2:, 1] == 0)                                         # padding


def test_readout_gradients_are_the_sums_over_time(rng):
    dY, X, U = (rng.standard_normal((5, 3, k)) for k in (2, 4, 3))
    dC, dD, db = _units.readout_gradients(dY, X, U)
    np.testing.assert_allclose(dC, np.einsum("tbi,tbj->ij", dY, X), rtol=1e-13)
    np.testing.assert_allclose(dD, np.einsum("tbi,tbj->ij", dY, U), rtol=1e-13)
    np.testing.assert_allclose(db, dY.sum(axis=(0, 1)), rtol=1e-13)


def test_output_activation_for_a_loss():
    assert losses.output_activation_for("cross_entropy", None) == "softmax"
    assert losses.output_activation_for("mse", None) == "identity"
    with pytest.raises(ValueError, match="needs output_activation='softmax'"):
        losses.output_activation_for("cross_entropy", "sigmoid")


def test_gru_flow_problem_is_the_explorers_gru():
    p, U = gates.gru_flow_problem(2.0, 3.0, T=7)
    base = gru.init_params(16, 4, 1, np.random.default_rng(0))
    np.testing.assert_allclose(p.b_zu, 3.0 * base.b_zu + 2.0)
    np.testing.assert_allclose(p.W_nx, 3.0 * base.W_nx)
    assert U.shape == (7, 4)


def test_leaky_figure_draws_the_lower_bound_only_where_it_exists():
    """The dotted floor ((1 - alpha) - alpha gamma sigma_max)^(t-k) of eq-ch6-leaky-bound:
    drawn when its base is positive, below the measured curve; absent (no floor) when not."""
    from rnn_lib import gradient_flow as gf

    ex = gates.leaky_reach_explorer()
    floor = next(line for line in ex.fig.axes[0].get_lines()
                 if "lower bound" in line.get_label())
    params, U = gf.flow_problem(0.9, 0.5, np.random.default_rng(0), T=gates.T_FLOW)
    ex.render(alpha=0.1, rho=0.9)
    f = leaky.gradient_flow(params, U, alpha=0.1)
    base = 0.9 - 0.1 * f.gamma * f.sigma_max
    shown = np.asarray(floor.get_ydata(), dtype=float)
    k = np.isfinite(shown)
    assert k.sum() > 50
    np.testing.assert_allclose(shown[k], base ** np.arange(gates.T_FLOW)[k], rtol=1e-12)
    assert np.all(f.grad_norm[k] >= shown[k] * (1 - 1e-12))
    assert f"between {base:.3f} and" in ex.status
    ex.render(alpha=1.0, rho=0.9)                  # the Elman RNN: no floor
    assert not np.isfinite(np.asarray(floor.get_ydata(), dtype=float)).any()
    assert "(no floor)" in ex.status
    plt.close("all")


def test_chapter_6_static_figures_draw():
    def result(lag):                       # a Solved; fields the figure does not read: None
        known = dict(lag=lag, budget=100, steps=np.array([25.0, np.nan, 50.0]),
                     test_accuracy=np.array([1.0, 0.5, 0.97]))
        return tasks.Solved(**{f: known.get(f) for f in tasks.Solved._fields})

    solved = [result(lag) for lag in (4, 8)]
    ax = gates.plot_race({"a unit": solved, "another": solved}, 100)
    assert ax.get_xlabel().startswith("lag") and len(ax.get_lines()) >= 4
    runs = [mc.Run("lru", s, mc.train_run("lru", 0, steps=1, n_test=50).params, {}, 0.2,
                   np.linspace(0.4, 0.1, 16), 0.0) for s in range(2)]
    ax = linear_units.plot_marked_copy({"LRU": runs}, levels={"counting": 0.25})
    assert ax.get_ylim() == (0, 1.04)
    plt.close("all")
