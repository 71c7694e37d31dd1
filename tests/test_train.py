"""The training loop, its optimisers and the toy tasks.

Optimisers against hand computations; training reduces the loss on a tiny problem,
is repeatable with a fixed seed, reports divergence; tasks have the promised
shapes, are deterministic by seed, and their targets are what they claim.
"""
import warnings

import numpy as np
import pytest

import rnn_lib as rl
from rnn_lib import tasks
from rnn_lib.train import SGD, Adam, make_optimizer, train


def _tiny(seed=0, lag=2):
    p = rl.init_params(6, 1, 1, np.random.default_rng(seed), spectral_radius=0.9)
    data = tasks.delayed_recall(lag, 16, np.random.default_rng(seed + 1), noise=0.3)
    return p, data


# -- optimisers ---------------------------------------------------------------------------
def _params(value):
    return rl.Params(np.full((2, 2), value), np.full((2, 1), value), np.full((1, 2), value),
                     np.full(2, value), np.full(1, value))


def test_sgd_with_momentum_by_hand():
    opt = SGD(lr=0.1, momentum=0.5)
    p, g = _params(1.0), _params(2.0)
    p1 = opt.step(p, g)                      # v = 2, p = 1 - 0.2
    p2 = opt.step(p1, g)                     # v = 0.5 * 2 + 2 = 3, p = 0.8 - 0.3
    assert all(np.allclose(a, 0.8) for a in p1)
    assert all(np.allclose(a, 0.5) for a in p2)
    assert all(np.allclose(a, 1.0) for a in p)          # arguments unchanged


def test_adam_first_step_moves_each_parameter_by_lr_times_the_sign():
    opt = Adam(lr=0.01)
    p = _params(1.0)
    g = rl.Params(*(np.linspace(-3, 3, a.size).reshape(a.shape) + 0.1 for a in p))
    p1 = opt.step(p, g)
    for a, a1, ga in zip(p, p1, g):
        # m/(1-b1) = g and s/(1-b2) = g^2 after one step
        assert np.allclose(a1, a - 0.01 * ga / (np.abs(ga) + 1e-8))
    p2 = opt.step(p1, g)                     # a constant gradient keeps that step
    for a1, a2, ga in zip(p1, p2, g):
        assert np.allclose(a2, a1 - 0.01 * ga / (np.abs(ga) + 1e-8))


def test_make_optimizer_defaults_and_errors():
    assert isinstance(make_optimizer("sgd"), SGD) and make_optimizer("sgd").lr == 0.1
    assert isinstance(make_optimizer("adam", 0.5), Adam) and make_optimizer("adam", 0.5).lr == 0.5
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'; choose one of sgd, adam"):
        make_optimizer("rmsprop")
    with pytest.raises(ValueError, match=r"momentum must be a number in \[0, 1\)"):
        SGD(momentum=1.5)
    with pytest.raises(ValueError, match=r"beta2 must be a number in \[0, 1\)"):
        Adam(beta2=1.0)
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        Adam(lr=-1.0)


# -- training -----------------------------------------------------------------------------
@pytest.mark.parametrize("optimizer, lr", [("adam", 0.02), ("sgd", 0.1)])
def test_training_reduces_the_loss_on_a_tiny_problem(optimizer, lr):
    p, data = _tiny()
    _, hist = train(p, data, steps=150, optimizer=optimizer, lr=lr, clip=5.0)
    assert hist["loss"].shape == hist["grad_norm"].shape == hist["clipped"].shape == (150,)
    assert hist["diverged_at"] is None
    assert hist["loss"][-10:].mean() < 0.2 * hist["loss"][0]


def test_same_seed_same_history_and_fresh_batches_from_a_callable():
    def run(seed):
        p = rl.init_params(5, 1, 1, np.random.default_rng(seed), spectral_radius=0.9)
        r = np.random.default_rng(seed + 100)

        def data(step):
            return tasks.delayed_recall(3, 8, r)
        return train(p, data, steps=20, metric=lambda q: float(np.sum(q.W_xx)), eval_every=5)
    (p1, h1), (p2, h2), (_, h3) = run(0), run(0), run(1)
    for key in ("loss", "grad_norm", "clipped", "metric_step", "metric"):
        assert np.array_equal(h1[key], h2[key])
    assert all(np.array_equal(a, b) for a, b in zip(p1, p2))
    assert not np.array_equal(h1["loss"], h3["loss"])
    assert list(h1["metric_step"]) == [0, 5, 10, 15, 20]


def test_clipping_is_recorded_and_caps_the_step():
    p, data = _tiny()
    clip = 1e-3
    p1, hist = train(p, data, steps=1, optimizer="sgd", lr=1.0,
                     optimizer_options={"momentum": 0.0}, clip=clip)
    assert hist["clipped"][0] and hist["grad_norm"][0] > clip
    step = np.sqrt(sum(np.sum((a - b) ** 2) for a, b in zip(p1, p)))
    assert step == pytest.approx(clip)                  # lr * clip
    _, hist2 = train(p, data, steps=1, clip=1e6)
    assert not hist2["clipped"][0]


def test_step_norm_is_the_length_of_each_update():
    p, data = _tiny()
    p1, hist = train(p, data, steps=1, optimizer="adam", lr=0.01)
    step = np.sqrt(sum(np.sum((a - b) ** 2) for a, b in zip(p1, p)))
    assert hist["step_norm"].shape == (1,) and hist["step_norm"][0] == pytest.approx(step)


def test_plain_sgd_with_clipping_never_steps_further_than_lr_times_clip():
    p, data = _tiny(lag=4)
    lr, clip = 0.5, 0.1
    _, hist = train(p, data, steps=40, optimizer="sgd", lr=lr,
                    optimizer_options={"momentum": 0.0}, clip=clip)
    assert hist["clipped"].any()
    assert hist["step_norm"].max() <= lr * clip * (1 + 1e-12)
    assert hist["step_norm"][hist["clipped"]] == pytest.approx(lr * clip)


def test_momentum_can_step_further_than_lr_times_clip_but_not_lr_clip_over_1_minus_mu():
    p, data = _tiny(lag=4)
    lr, clip, mu = 0.5, 0.01, 0.9
    _, hist = train(p, data, steps=60, optimizer="sgd", lr=lr,
                    optimizer_options={"momentum": mu}, clip=clip)
    assert hist["clipped"].all()
    assert hist["step_norm"].max() > 3 * lr * clip              # momentum adds up the steps
    assert hist["step_norm"].max() <= lr * clip / (1 - mu) * (1 + 1e-12)


def test_adam_steps_do_not_depend_on_the_scale_of_the_gradient():
    """Clipping every step to a small norm does not make Adam's steps short: its first
    step moves every parameter by about lr (a step of lr * sqrt(n_params)), whatever
    clip is, and clipping every step at 0.1 or at 0.01 gives the same path (up to eps)."""
    p, data = _tiny(lag=4)
    lr = 0.01
    (q1, h1), (q2, h2) = (train(p, data, steps=20, optimizer="adam", lr=lr, clip=clip)
                          for clip in (0.1, 0.01))
    assert h1["clipped"].all() and h2["clipped"].all()
    assert h2["step_norm"][0] == pytest.approx(lr * np.sqrt(p.n_params), rel=1e-4)
    assert h2["step_norm"].min() > 5 * lr * 0.01                 # far longer than lr * clip
    assert np.allclose(h1["step_norm"], h2["step_norm"], rtol=1e-4)
    assert all(np.allclose(a, b, atol=1e-5) for a, b in zip(q1, q2))


class _Scaled:
    """An optimizer (Adam by default) fed the gradient times a constant."""

    def __init__(self, factor, optimizer=None):
        self.factor, self.optimizer = factor, optimizer or Adam(lr=0.01)

    def step(self, params, grads):
        return self.optimizer.step(params, rl.Params(*(self.factor * g for g in grads)))


def test_adam_is_invariant_to_multiplying_every_gradient_by_a_constant():
    p, data = _tiny(lag=4)
    (q1, h1), (q2, h2) = (train(p, data, steps=30, optimizer=_Scaled(f)) for f in (1.0, 1e3))
    assert np.allclose(h1["step_norm"], h2["step_norm"], rtol=1e-4)
    assert all(np.allclose(a, b, rtol=1e-4, atol=1e-8) for a, b in zip(q1, q2))
    _, h3 = train(p, data, steps=1, optimizer=SGD(lr=0.01, momentum=0.0))
    _, h4 = train(p, data, steps=1, optimizer=_Scaled(1e3, SGD(lr=0.01, momentum=0.0)))
    assert h4["step_norm"][0] == pytest.approx(1e3 * h3["step_norm"][0])   # SGD is not


def test_truncation_and_an_optimizer_object_are_passed_through():
    p, data = _tiny()
    _, h_exact = train(p, data, steps=1, optimizer=SGD(lr=0.1, momentum=0.0))
    _, h_trunc = train(p, data, steps=1, optimizer=SGD(lr=0.1, momentum=0.0), truncate=0)
    assert h_trunc["grad_norm"][0] != pytest.approx(h_exact["grad_norm"][0])


def test_a_diverging_run_stops_quietly_and_says_where():
    p = rl.init_params(4, 1, 1, np.random.default_rng(0), spectral_radius=3.0)
    data = tasks.delayed_recall(59, 4, np.random.default_rng(1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        params, hist = train(p, data, steps=50, optimizer="sgd", lr=1e6,
                             activation="identity")
    assert hist["diverged_at"] is not None
    assert len(hist["loss"]) == hist["diverged_at"]
    assert all(np.all(np.isfinite(a)) for a in params)


def test_training_rejects_bad_arguments():
    p, data = _tiny()
    with pytest.raises(ValueError, match="steps must be >= 1"):
        train(p, data, steps=0)
    with pytest.raises(ValueError, match="clip must be a finite number > 0"):
        train(p, data, steps=1, clip=-1.0)
    with pytest.raises(ValueError, match="unknown optimizer 'adagrad'"):
        train(p, data, steps=1, optimizer="adagrad")
    with pytest.raises(TypeError, match="optimizer must be 'sgd', 'adam' or an object"):
        train(p, data, steps=1, optimizer=42)
    with pytest.raises(ValueError, match="give lr and optimizer_options to the optimizer object"):
        train(p, data, steps=1, optimizer=SGD(), lr=0.1)
    with pytest.raises(TypeError, match=r"data must be a tuple \(U, target\[, mask\]\)"):
        train(p, [data.U, data.target], steps=1)
    with pytest.raises(TypeError, match="metric must be a callable"):
        train(p, data, steps=1, metric=3)
    with pytest.raises(TypeError, match="params must be rnn_lib.Params"):
        train({"W_xx": 1}, data, steps=1)


# -- steps to solve delayed recall ------------------------------------------------------
def _elman(n_x=8):
    return (lambda rng: rl.init_params(n_x, 1, 1, rng, spectral_radius=0.9),
            tasks.recall_objective(rl.loss_and_gradients),
            lambda p, U: rl.forward(p, U).Y)


def test_steps_to_solve_counts_the_steps_until_the_validation_accuracy_is_reached():
    init, objective, predict = _elman()
    r = tasks.steps_to_solve(init, objective, predict, 3, seeds=[0, 1], budget=600,
                             eval_every=20, n_val=200, n_test=300)
    assert r.lag == 3 and r.budget == 600 and list(r.seeds) == [0, 1]
    assert r.n_solved == 2 and np.all(r.steps % 20 == 0) and np.all(r.steps <= 600)
    for steps, h in zip(r.steps, r.histories):
        # the first evaluation at or above the threshold, and training stopped there
        assert h["metric"][-1] >= 0.95 and np.all(h["metric"][:-1] < 0.95)
        assert h["metric_step"][-1] == steps == len(h["loss"])
    assert np.all(r.test_accuracy > 0.85)                  # on sequences never seen
    val = tasks.delayed_recall(3, 200, np.random.default_rng([1, 2]))   # seed 1's validation
    Y = predict(r.params[1], val.U)
    assert tasks.sign_accuracy(Y, val.target, val.mask) == r.histories[1]["metric"][-1]
    assert r.median == np.median(r.steps)
    again = tasks.steps_to_solve(init, objective, predict, 3, seeds=[1], budget=600,
                                 eval_every=20, n_val=200, n_test=300)
    assert again.steps[0] == r.steps[1]                    # a seed fixes the whole run


def test_steps_to_solve_reports_a_failure_within_the_budget_as_nan():
    init, objective, predict = _elman()
    r = tasks.steps_to_solve(init, objective, predict, 30, seeds=[0, 1, 2], budget=20,
                             eval_every=10, n_val=100, n_test=100)
    assert r.n_solved == 0 and np.all(np.isnan(r.steps)) and r.median == np.inf
    assert all(len(h["loss"]) == 20 for h in r.histories)


def test_steps_to_solve_takes_any_model_and_passes_options_on():
    """Options reach the model's loss_and_gradients (a truncated gradient differs from
    the exact one), and another unit with the same interface fits (the leaky unit)."""
    from rnn_lib import leaky
    init, objective, predict = _elman()
    kw = dict(seeds=[0], budget=10, eval_every=10, n_val=50, n_test=50)
    cut = tasks.recall_objective(rl.loss_and_gradients, truncate=0)
    exact = tasks.steps_to_solve(init, objective, predict, 3, **kw).histories[0]["grad_norm"]
    trunc = tasks.steps_to_solve(init, cut, predict, 3, **kw).histories[0]["grad_norm"]
    assert exact[0] != pytest.approx(trunc[0])
    r = tasks.steps_to_solve(init, tasks.recall_objective(leaky.loss_and_gradients, alpha=0.5),
                             lambda p, U: leaky.forward(p, U, alpha=0.5).Y, 3, seeds=[0],
                             budget=600, eval_every=20, n_val=200, n_test=200)
    assert r.n_solved == 1


def test_a_plain_rnn_learns_delayed_recall_over_20_steps():
    """Chapter 4's claim, with its recipe: a lag of 20 is learned (an earlier version of
    the chapter said it was not, after a budget of 200 steps)."""
    init, objective, predict = _elman(16)
    r = tasks.steps_to_solve(init, objective, predict, 20, seeds=[0], budget=3000)
    assert r.n_solved == 1 and r.steps[0] > 200 and r.test_accuracy[0] > 0.9


def test_steps_to_solve_docstring_example_runs():
    import doctest
    assert doctest.testmod(tasks).failed == 0


def test_steps_to_solve_rejects_bad_arguments():
    init, objective, predict = _elman()
    with pytest.raises(TypeError, match="predict must be a function"):
        tasks.steps_to_solve(init, objective, None, 3)
    with pytest.raises(ValueError, match=r"threshold is an accuracy in \(0, 1\], got 1.5"):
        tasks.steps_to_solve(init, objective, predict, 3, threshold=1.5)
    with pytest.raises(ValueError, match="seeds is empty"):
        tasks.steps_to_solve(init, objective, predict, 3, seeds=[])
    with pytest.raises(ValueError, match="budget must be >= 1"):
        tasks.steps_to_solve(init, objective, predict, 3, budget=0)
    with pytest.raises(TypeError, match="loss_and_gradients must be a function"):
        tasks.recall_objective("rnn")


# -- tasks --------------------------------------------------------------------------------
def test_delayed_recall_targets_the_first_input_lag_steps_later():
    lag, B = 7, 50
    U, target, mask = tasks.delayed_recall(lag, B, np.random.default_rng(3), noise=0.8)
    assert U.shape == (lag + 1, B, 1) and target.shape == (lag + 1, B, 1)
    assert mask.shape == (lag + 1, B)
    assert np.array_equal(target[lag], U[0])                  # the input L steps back
    assert set(np.unique(U[0])) == {-1.0, 1.0}
    assert np.array_equal(mask[lag], np.ones(B)) and mask[:lag].sum() == 0
    assert np.all(target[:lag] == 0)
    assert 0.5 < np.std(U[1:]) < 1.1                           # distractors of std 0.8


def test_tasks_are_deterministic_by_seed():
    def make(rng):
        return tasks.delayed_recall(4, 6, rng)

    a, b, c = make(np.random.default_rng(5)), make(np.random.default_rng(5)), \
        make(np.random.default_rng(6))
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a.U, c.U)


def test_sign_accuracy_counts_only_masked_steps():
    Y = np.array([[[1.0]], [[-2.0]], [[0.5]]])
    target = np.array([[[1.0]], [[1.0]], [[1.0]]])
    assert tasks.sign_accuracy(Y, target, np.array([[1.0], [1.0], [0.0]])) == 0.5
    assert tasks.sign_accuracy(Y, target, np.array([[0.0], [0.0], [1.0]])) == 1.0
    with pytest.raises(ValueError, match="the mask selects no step"):
        tasks.sign_accuracy(Y, target, np.zeros((3, 1)))


def test_tasks_reject_bad_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="lag must be >= 1"):
        tasks.delayed_recall(0, 4, rng)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        tasks.delayed_recall(3, 4, 0)
    with pytest.raises(ValueError, match="noise must be a finite number >= 0"):
        tasks.delayed_recall(3, 4, rng, noise=-1.0)
    with pytest.raises(ValueError, match="batch must be >= 1"):
        tasks.delayed_recall(3, 0, rng)
