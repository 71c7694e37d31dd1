"""Central-difference checks of a unit's gradients, shared by chapter 6's unit tests.

Independent of every backward pass: only the forward pass (inside ``loss_fn``) runs.
"""
import rnn_lib as rl
from rnn_lib._units import readout_loss

TOL = 1e-7    # relative error allowed for every parameter and for x_init
EPS = 1e-5    # central-difference step: truncation ~ EPS^2, round-off ~ 1e-16 L / EPS


def numerical_grads(loss_fn, params, eps=EPS):
    """Central differences for every field of a parameter NamedTuple."""
    return type(params)(*[
        rl.numerical_gradient(lambda v, f=f: loss_fn(params._replace(**{f: v})), value, eps)
        for f, value in zip(params._fields, params)])


def check_all_gradients(loss_fn, p, x_init, grads, tol=TOL):
    """Every parameter and x_init within ``tol``; returns the largest relative error.

    ``loss_fn(params, x_init)`` is the loss; ``grads`` what the backward pass gave.
    """
    errors = {}
    for name, g, n in zip(p._fields, grads.params, numerical_grads(loss_fn, p)):
        assert g.shape == n.shape, name
        errors[name] = rl.relative_error(g, n)
    num_x = rl.numerical_gradient(lambda x0: loss_fn(p, x0), x_init, EPS)
    errors["x_init"] = rl.relative_error(grads.x_init, num_x)
    bad = {k: e for k, e in errors.items() if not e <= tol}
    assert not bad, f"relative errors above {tol}: {bad}"
    return max(errors.values())


def check_readout_unit(unit, p, U, x_init, target, **options):
    """A linear unit (``linear_recurrence``, ``selective``): its loss_and_gradients against
    central differences of forward + ``readout_loss`` with the same ``options``."""
    def loss(params, x0=x_init):
        tr = unit.forward(params, U, x0, lengths=options.get("lengths"))
        return readout_loss(tr.Y, target, **options)[0]

    _, grads, _ = unit.loss_and_gradients(p, U, target, x_init=x_init, **options)
    return check_all_gradients(loss, p, x_init, grads)
