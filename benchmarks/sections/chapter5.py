"""Chapter 5's five models: training time and the score each must reach (the targets the
chapter asserts)."""
from __future__ import annotations

from .common import table

TITLE = "Chapter 5 models"
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


def run(sec, ctx):
    from rnn_lib import problems

    rows = []
    for name, recipe in problems.RECIPES.items():
        r = recipe(steps=30) if sec.quick else recipe()     # --quick: exercise the code
        text, ok = TARGETS.get(name, ("—", None))
        passed = "—" if sec.quick or ok is None else ("pass" if ok(r) else "**MISS**")
        rows.append([name, f"{r.seconds:.1f}", f"{r.score:.3f}", text, passed,
                     f"{len(r.history['loss'])} steps"])
    sec.add("Each recipe of `rnn_lib.problems` (the code the chapter runs), trained once: "
            "seconds of training and the score on held-out data.\n\n"
            + table(["model", "seconds", "score", "target", "", "note"], rows))
