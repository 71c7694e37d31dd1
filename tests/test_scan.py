"""The associative scan against the sequential loop and against closed forms."""
import numpy as np
import pytest

from rnn_lib import scan as sc


def _random_pairs(rng, shape, complex_):
    a = rng.uniform(0.5, 1.0, shape)
    b = rng.standard_normal(shape)
    if complex_:
        a = a * np.exp(1j * rng.uniform(0, 2 * np.pi, shape))
        b = b + 1j * rng.standard_normal(shape)
    return a, b


def _relative_gap(X, Y):
    return float(np.max(np.abs(X - Y)) / np.max(np.abs(Y)))


def test_combine_is_associative(rng):
    """(p o q) o r = p o (q o r), for real and complex pairs: the scan may regroup."""
    for complex_ in (False, True):
        p, q, r = (_random_pairs(rng, (5,), complex_) for _ in range(3))
        left = sc.combine(sc.combine(p, q), r)
        right = sc.combine(p, sc.combine(q, r))
        for one, other in zip(left, right):
            np.testing.assert_allclose(one, other, rtol=1e-14, atol=1e-14)


def test_combine_is_doing_one_step_after_the_other(rng):
    """The pair of (a, b) then (a', b') maps x exactly as the two steps do."""
    (a, b), (a2, b2) = _random_pairs(rng, (4,), False), _random_pairs(rng, (4,), False)
    x = rng.standard_normal(4)
    ac, bc = sc.combine((a, b), (a2, b2))
    np.testing.assert_allclose(ac * x + bc, a2 * (a * x + b) + b2, rtol=1e-14)
    # and the order matters: the operator is not commutative
    ar, br = sc.combine((a2, b2), (a, b))
    assert not np.allclose(ar * x + br, ac * x + bc)


@pytest.mark.parametrize("T", [1, 2, 3, 4, 5, 7, 8, 9, 16, 33, 100, 1000, 10_000, 20_001])
@pytest.mark.parametrize("complex_", [False, True])
def test_scan_equals_loop(rng, T, complex_):
    a, b = _random_pairs(rng, (T, 3), complex_)
    x_init = _random_pairs(rng, (3,), complex_)[1]
    X_loop = sc.loop(a, b, x_init)
    X_scan = sc.scan(a, b, x_init)
    assert X_scan.shape == (T, 3) and X_scan.dtype == X_loop.dtype
    assert _relative_gap(X_scan, X_loop) < 1e-12


def test_scan_matches_the_closed_form_of_a_constant_decay(rng):
    """a_t = a, one pulse b_0 = 1, x_init = 0: x_t = a^t (chapter 2's impulse response)."""
    T = 50
    a = np.full((T, 1), 0.9)
    b = np.zeros((T, 1))
    b[0] = 1.0
    np.testing.assert_allclose(sc.scan(a, b)[:, 0], 0.9 ** np.arange(T), rtol=1e-13)
    x_init = np.array([2.0])                       # no input: x_t = a^(t+1) x_init
    np.testing.assert_allclose(sc.scan(a, np.zeros((T, 1)), x_init)[:, 0],
                               2.0 * 0.9 ** np.arange(1, T + 1), rtol=1e-13)


def test_scan_on_a_batch_of_any_shape(rng):
    a, b = _random_pairs(rng, (37, 2, 3, 4), True)
    assert _relative_gap(sc.scan(a, b), sc.loop(a, b)) < 1e-12


def test_scan_holds_the_state_where_a_is_one_and_b_is_zero(rng):
    a, b = _random_pairs(rng, (10, 2), False)
    a[4:7], b[4:7] = 1.0, 0.0
    X = sc.scan(a, b)
    np.testing.assert_allclose(X[4:7], np.broadcast_to(X[3], (3, 2)), rtol=1e-14)


def test_real_and_complex_mixed_give_complex(rng):
    a = rng.uniform(0.5, 1, (6, 2))
    b = rng.standard_normal((6, 2)) + 1j
    assert np.iscomplexobj(sc.scan(a, b)) and np.iscomplexobj(sc.loop(a, b))


def test_bad_inputs_give_clear_errors():
    with pytest.raises(ValueError, match="b must have the shape of a"):
        sc.scan(np.ones((4, 2)), np.ones((4, 3)))
    with pytest.raises(ValueError, match="T >= 1"):
        sc.loop(np.ones((0, 2)), np.ones((0, 2)))
    with pytest.raises(ValueError, match="x_init must have shape"):
        sc.scan(np.ones((4, 2)), np.ones((4, 2)), np.ones(3))
    with pytest.raises(TypeError, match="real or complex numbers"):
        sc.scan(np.array(["a", "b"]), np.ones(2))
    with pytest.raises(ValueError, match="NaN or infinite"):
        sc.scan(np.ones(3), np.array([1.0, np.nan, 0.0]))


def test_a_diverging_recurrence_shows_as_inf_not_an_error():
    X = sc.scan(np.full((2000, 1), 2.0), np.ones((2000, 1)))
    assert not np.isfinite(X[-1]).all()


def test_timing_table_has_one_row_per_length(rng):
    rows = sc.time_loop_vs_scan(rng, lengths=(5, 50), n=4, repeats=1)
    assert [row.T for row in rows] == [5, 50]
    assert all(row.loop_seconds > 0 and row.scan_seconds > 0 and row.speedup > 0
               for row in rows)
    with pytest.raises(TypeError, match="rng"):
        sc.time_loop_vs_scan(0)
