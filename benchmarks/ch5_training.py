"""Chapter 5's five models: training time and the score each must reach.

``measure()`` runs every recipe of ``rnn_lib.problems`` (the code the chapter runs)
and returns one row per model for ``benchmarks/run.py``. The targets are the ones the
chapter asserts; the time budget is 10 s of training per model on the book's 2-core
machine.
"""
from rnn_lib import problems

BUDGET_S = 10.0

# name -> (target text, test on the Run)
TARGETS = {
    "price_forecast": ("MSE < 0.85 x 'tomorrow = today'",
                       lambda r: r.score < 0.85 * r.baselines["tomorrow = today"]),
    "sentiment": ("accuracy > 0.95", lambda r: r.score > 0.95),
    "running_count": ("accuracy > 0.95", lambda r: r.score > 0.95),
    "number_words": ("exact match > word-by-word + 0.1",
                     lambda r: r.score > r.baselines["word by word"] + 0.1),
    "waveform": ("MSE < 0.2 x average wave",
                 lambda r: r.score < 0.2 * r.baselines["average wave"]),
}


def measure(quick: bool = False) -> list[dict]:
    """One row per model; ``quick`` trains 30 steps only (to exercise the code)."""
    rows = []
    for name, recipe in problems.RECIPES.items():
        run = recipe(steps=30) if quick else recipe()
        text, ok = TARGETS[name]
        rows.append({
            "model": name, "seconds": run.seconds, "score": f"{run.score:.3f}",
            "target": text,
            "passed": None if quick else bool(ok(run)) and run.seconds <= BUDGET_S,
            "note": f"{len(run.history['loss'])} steps"
                    + (" (quick)" if quick else f"; budget {BUDGET_S:.0f} s"),
        })
    return rows
