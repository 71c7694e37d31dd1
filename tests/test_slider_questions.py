"""Every slider value a *Try it* question names is one the website can show.

On the website a slider figure is a set of frames precomputed over a grid
(``Slider.grid(static=True)``; a slider the static face holds fixed shows only its
default there). A question that names a value off that grid cannot be answered on
the page. This test reads every chapter and checks each question against the
explorer shown beside it.

The rules, so that a chapter can be written to pass them:

- A *question* is a markdown paragraph that starts with ``*Try it:*`` (up to the next
  blank line). Its explorer is the one called (``<name>_explorer(...)``) in the
  nearest code cell after the paragraph's cell or, if that cell calls none, the
  nearest code cell before it; ``<name>`` is looked up in ``rnn_lib.explorers.ALL``.
- The explorer is made the way the chapter makes it when its arguments are literals,
  and with its defaults otherwise (chapter 5 passes trained runs, which only a full
  run of the notebook has): an explorer called with notebook variables must take its
  slider grids from its recipe, not from the variables. ``Explorer`` is replaced by a
  recorder while it is made, so no figure is drawn; only the sliders are kept.
- Named values are read from inline math: ``$a = 0.75$``, ``$\\lambda_1 = \\lambda_2 =
  0.8$`` (both symbols), ``$\\theta = 15°$`` (or ``15^\\circ``), ``$a \\approx 0.93$``,
  ``$|b| = 0.5$`` and ``$b = \\pm 0.5$`` (both signs), ``$k = 1, 2$``, ``$\\sigma =
  \\tanh$`` (a named position), and from ``$a$ from $0.5$ to $0.9$`` or ``$m$ from 0 to
  0.95`` (both ends). A symbol counts when it matches a slider's name, its label, its
  label without a parenthesis (``ρ(W_xx)`` -> ``ρ``) or the label's last word (``bias
  b`` -> ``b``); LaTeX is normalised (``\\lambda_1`` = ``λ₁`` = ``lambda1``, ``x_0`` =
  ``x₀``, ``\\rho(W_{xx})`` = ``ρ(W_xx)``). Other symbols (a start ``x_0`` of a figure
  without an ``x₀`` slider, say) are not sliders and are not checked.
- A value written with ``=`` must be on the grid (to 1e-6); one written with
  ``\\approx`` to within half a unit of its last digit.
- A clause (a sentence, a part after a semicolon, or a parenthesis) that contains the
  word "notebook" (e.g. "(in the notebook, also try $\\lambda_2 = 1.2$)") is checked
  against the live grid (``Slider.grid()``) instead, and so is everything after a
  sentence that starts with "In the notebook".

When a question changes, this test needs no update; when a grid changes, it tells
which questions no longer fit. ``RNN_BOOK_CHAPTERS=/other/chapters pytest ...`` runs
it on another copy of the chapters (e.g. an older checkout).
"""
from __future__ import annotations

import ast
import json
import os
import re
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from rnn_lib.explorers import ALL
from rnn_lib.interactive import Slider, grid

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_DIR = Path(os.environ.get("RNN_BOOK_CHAPTERS", ROOT / "chapters"))
NOTEBOOKS = sorted(CHAPTER_DIR.glob("[0-9][0-9]_*.ipynb"))

TRY_IT = re.compile(r"^\s*\*Try it:?\*:?", re.M)
CALL = re.compile(r"\b(\w+)_explorer\s*\((.*?)\)\s*;?\s*$", re.M | re.S)
INLINE_MATH = re.compile(r"(?<![$\\])\$(?!\$)(.+?)(?<!\\)\$")
NUMBER = r"[-−+]?\s*(?:\\pm\s*|±\s*)?\d+(?:\.\d+)?"
DEGREE = r"(?:\s*(?:°|\^\s*\{?\\circ\}?))?"
FROM_TO = re.compile(r"\$([^$]+)\$\s+(?:from|between)\s+\$?\s*(" + NUMBER + DEGREE +
                     r")\s*\$?\s+(?:to|and)\s+\$?\s*(" + NUMBER + DEGREE + r")\s*\$?")

GREEK = {"θ": "theta", "λ": "lambda", "ω": "omega", "ρ": "rho", "σ": "sigma", "η": "eta",
         "α": "alpha", "β": "beta", "γ": "gamma", "μ": "mu", "τ": "tau", "φ": "phi"}
SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def canon(symbol: str) -> str:
    """A symbol in one spelling for LaTeX and slider labels: ``\\lambda_1``, ``λ₁`` and
    ``lambda1`` -> ``lambda1``; ``\\rho(W_{xx})`` and ``ρ(W_xx)`` -> ``rho(Wxx)``."""
    s = symbol.translate(SUBSCRIPTS)
    for g, name in GREEK.items():
        s = s.replace(g, name)
    s = re.sub(r"\\(?:mathrm|operatorname|text|mathit|left|right)\b", "", s)
    s = re.sub(r"\\[,;:! ]", "", s)
    s = re.sub(r"[\\{}_\s|]", "", s)
    return s.replace("lam", "lambda").replace("lambdabda", "lambda")


def slider_keys(slider) -> set[str]:
    label = str(slider.label)
    keys = {canon(slider.name), canon(label), canon(label.split()[-1]),
            canon(re.sub(r"\(.*\)", "", label))}
    return {k for k in keys if k}


# -- reading the chapters ----------------------------------------------------------
def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _source(cell) -> str:
    return "".join(cell["source"])


def _explorer_call(cells, k):
    """(name, argument text, cell index) of the explorer shown beside markdown cell k."""
    after = next((j for j in range(k + 1, len(cells)) if cells[j]["cell_type"] == "code"), None)
    before = next((j for j in range(k - 1, -1, -1) if cells[j]["cell_type"] == "code"), None)
    for j in (after, before):
        if j is not None and (m := CALL.search(_source(cells[j]))):
            return m.group(1), m.group(2), j
    return None


def questions(path: Path):
    """Every *Try it* paragraph: (cell index, paragraph, explorer call or None)."""
    cells = _cells(path)
    for k, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        for para in re.split(r"\n\s*\n", _source(cell)):
            if TRY_IT.match(para):
                yield k, para.strip(), _explorer_call(cells, k)


def _number(text: str):
    """(value, tolerance, both signs) of a typed number, or None if it is not one."""
    t = text.replace("−", "-").strip()
    both = bool(re.match(r"^[-+]?\s*(\\pm|±)", t))
    t = re.sub(r"\\pm|±", "", t)
    t = re.sub(r"°|\^\s*\{?\\circ\}?|\\,|\s", "", t)
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", t):
        return None
    digits = len(t.split(".")[1]) if "." in t else 0
    return float(t), 0.5 * 10.0 ** -digits, both


def named_values(paragraph: str):
    """(symbol as written, canonical symbol, value, tolerance, sentence) for every value
    the paragraph names; the value is a float or, for named positions, a str."""
    out = []
    asides = re.findall(r"\([^()]*\)", paragraph)          # a parenthesis is its own clause
    rest = re.sub(r"\([^()]*\)", " ", paragraph)
    sentences = re.split(r"(?<=[.?!;])\s+|(?<=[.?!;]\*\*)\s+", rest)
    for i, sentence in enumerate(sentences):     # "In the notebook, ..." scopes the rest
        if re.match(r"\W*in the notebook", sentence, re.I):
            sentences[i:] = [" ".join(sentences[i:])]
            break
    sentences += asides
    for sentence in sentences:
        for m in FROM_TO.finditer(sentence):
            sym = m.group(1)
            for end in (m.group(2), m.group(3)):
                num = _number(end)
                if num:
                    out += _expand(sym, num, 1e-6, sentence)
        for m in INLINE_MATH.finditer(sentence):
            math = m.group(1)
            parts = re.split(r"\\approx|\\simeq|≈|(?<![<>!])=", math)
            if len(parts) < 2:
                continue
            approx = bool(re.search(r"\\approx|\\simeq|≈", math))
            syms, vals = [], []
            for part in parts:
                values = [_number(v) for v in part.split(",")] if "," in part else [_number(part)]
                if all(values):
                    vals += values
                elif "," not in part:
                    syms.append(part.strip())
            for sym in syms:
                for num in vals:
                    tol = num[1] if approx else 1e-6
                    out += _expand(sym, num, tol, sentence)
                if not vals:                                # e.g. \sigma = \tanh
                    rhs = parts[-1].strip()
                    if rhs != sym:
                        out.append((sym, canon(sym), canon(rhs), 0.0, sentence))
    return out


def _expand(sym, num, tol, sentence):
    value, _, both = num
    abs_sym = bool(re.fullmatch(r"\s*(\||\\lvert|\\left\|)(.*?)(\||\\rvert|\\right\|)\s*", sym))
    values = [value, -value] if (both or abs_sym) and value != 0 else [value]
    return [(sym, canon(sym), v, tol, sentence) for v in values]


# -- making the explorers without drawing them ---------------------------------------
class _Recorded:
    """Stands in for Explorer while an explorer function runs: keeps the sliders."""

    def __init__(self, setup, sliders, *, static=None, **_):
        self.sliders = list(sliders)
        self.static = [s.name for s in self.sliders] if static is None else list(static)


@contextmanager
def _recording(func):
    namespace = func.__globals__
    if "Explorer" not in namespace:              # a test's stand-in, already a recorder
        yield
        return
    saved = namespace["Explorer"]
    namespace["Explorer"] = _Recorded
    try:
        yield
    finally:
        namespace["Explorer"] = saved


_MADE: dict = {}


def make_explorer(name: str, args: str) -> _Recorded:
    """The explorer's sliders, made with the chapter's literal arguments or defaults."""
    func = ALL[name]
    try:
        call = ast.parse(f"f({args})", mode="eval").body
        pos = [ast.literal_eval(a) for a in call.args]
        kw = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    except (ValueError, SyntaxError, TypeError):
        pos, kw = [], {}                     # notebook variables: use the defaults
    key = (name, repr(pos), repr(sorted(kw.items())))
    if key not in _MADE:
        with _recording(func):
            _MADE[key] = func(*pos, **kw)
    return _MADE[key]


def slider_matches(slider, key: str) -> bool:
    """Whether the symbol ``key`` names this slider (with or without a "(...)" part)."""
    return key in slider_keys(slider) or re.sub(r"\(.*\)", "", key) in slider_keys(slider)


def on_grid(grid, value, tol: float) -> bool:
    """Whether ``value`` is one of the slider positions ``grid`` (within ``tol``)."""
    if isinstance(value, str) or any(isinstance(g, str) for g in grid):
        return any(canon(str(g)) == canon(str(value)) for g in grid)
    return bool(np.min(np.abs(np.asarray(grid, float) - value)) <= tol + 1e-9)


def website_grid(ex: _Recorded, slider, live: bool) -> list:
    """What the page offers: the static grid, only the default if the static face holds
    the slider fixed, or every live value (``live=True``)."""
    if live:
        return slider.grid()
    if slider.name not in ex.static:
        return [slider.grid()[slider.default_index()]]
    return slider.grid(static=True)


def problems(path: Path) -> list[str]:
    found = []
    for k, para, call in questions(path):
        head = " ".join(para.split())[:70]
        if call is None:
            found.append(f"cell {k} ({head!r}...): no code cell next to it shows an explorer")
            continue
        name, args, j = call
        if name not in ALL:
            found.append(f"cell {k}: cell {j} calls {name}_explorer, not in explorers.ALL")
            continue
        named = named_values(para)
        if not named:
            continue
        ex = make_explorer(name, args)
        for sym, key, value, tol, sentence in named:
            slider = next((s for s in ex.sliders if slider_matches(s, key)), None)
            if slider is None:
                continue
            live = "notebook" in sentence.lower()
            grid = website_grid(ex, slider, live)
            if not on_grid(grid, value, tol):
                where = "live" if live else "website"
                shown = ", ".join(slider.fmt.format(g) for g in grid)
                found.append(f"cell {k} ({head!r}...): ${sym}$ = {value:g} is not on the "
                             f"{where} grid of {name}_explorer's slider {slider.label!r}: "
                             f"[{shown}]" if not isinstance(value, str) else
                             f"cell {k} ({head!r}...): ${sym}$ = {value!r} is not a position "
                             f"of slider {slider.label!r}: {grid}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_slider_questions_name_values_the_website_shows(path):
    found = problems(path)
    assert not found, (f"{path.name}: {len(found)} slider question(s) the website cannot "
                       "answer:\n  " + "\n  ".join(found))


# -- the reader itself ---------------------------------------------------------------
def test_the_reader_finds_the_named_values():
    para = (r"*Try it:* move $a$ from $0.5$ to $0.9$. Then pass $a = 1$ and set "
            r"$\lambda_1 = \lambda_2 = 0.8$, $|b| \approx 0.53$, $\theta = 5°$, "
            r"$\sigma = \tanh$ and $k = 1, 2$. (In the notebook, $x_0 = 3$.)")
    got = {(key, value) for _, key, value, _, _ in named_values(para)}
    assert {("a", 0.5), ("a", 0.9), ("a", 1.0), ("lambda1", 0.8), ("lambda2", 0.8),
            ("b", 0.53), ("b", -0.53), ("theta", 5.0), ("sigma", "tanh"), ("k", 1.0),
            ("k", 2.0), ("x0", 3.0)} <= got
    assert canon(r"\rho(W_{xx})") == canon("ρ(W_xx)") and canon("λ₁") == canon("lam1")


def _first_edition(sliders, static=None):
    """An explorer with the grids the first edition had (whatever today's grids are)."""
    return lambda: _Recorded(None, sliders, static=static)


def test_the_check_catches_values_off_the_website_grid(tmp_path, monkeypatch):
    """The three questions of the first edition that the website could not answer."""
    monkeypatch.setitem(ALL, "old_linear_map", _first_edition([
        Slider("a", grid(-1.5, 1.5, 0.05), 0.5, "a", static_values=grid(-1.5, 1.5, 0.25)),
        Slider("x0", grid(-4, 4, 0.5), 0.0, "x₀", static_values=[-4.0, -2.0, 0.0, 2.0, 4.0])]))
    monkeypatch.setitem(ALL, "old_cobweb", _first_edition([
        Slider("w", grid(0, 3, 0.05), 0.5, "w", static_values=grid(0, 3, 0.25)),
        Slider("b", grid(-1, 1, 0.05), 0.0, "b", static_values=[-0.3, 0.0, 0.3])]))
    monkeypatch.setitem(ALL, "old_observability", _first_edition([
        Slider("theta", grid(0, 180, 5), 45.0, "θ", "{:.0f}°", static_values=grid(0, 180, 15)),
        Slider("k", [1.0, 2.0, 3.0], 2.0, "k", "{:.0f}")]))
    monkeypatch.setitem(ALL, "old_phase_portrait", _first_edition([
        Slider("lam1", grid(-0.4, 1.4, 0.1), 0.8, "λ₁", static_values=grid(-0.4, 1.4, 0.3)),
        Slider("lam2", grid(0.2, 1.4, 0.1), 0.8, "λ₂"),
        Slider("omega", grid(0, 0.8, 0.05), 0.3, "ω", static_values=grid(0, 0.6, 0.15))],
        static=["lam1", "omega"]))
    cells = [
        ("markdown", "*Try it:* move $a$ from $0.5$ to $0.9$. Then pass $a = 1$."),
        ("code", "fo.old_linear_map_explorer()"),
        ("markdown", "*Try it:* with $w = 2$, the critical $|b| \\approx 0.53$."),
        ("code", "fo.old_cobweb_explorer()"),
        ("markdown", "*Try it:* go to $\\theta = 5°$ (in the notebook, $\\theta = 5°$)."),
        ("code", "ss.old_observability_explorer()"),
        ("markdown", "*Try it:* with $\\lambda_1 = 1.1$; in the notebook try $\\lambda_2 = 1.2$."),
        ("code", "fo.old_phase_portrait_explorer()"),
        ("markdown", "*Try it:* set $\\lambda_2 = 1.2$."),
        ("code", "fo.old_phase_portrait_explorer()"),
    ]
    nb = {"cells": [{"cell_type": t, "source": s, "metadata": {}} for t, s in cells]}
    path = tmp_path / "99_probe.ipynb"
    path.write_text(json.dumps(nb))
    found = "\n".join(problems(path))
    assert "$a$ = 0.9 is not on the website grid" in found
    assert "$a$ = 0.5 " not in found and "$a$ = 1 " not in found
    assert "$|b|$ = 0.53" in found and "$|b|$ = -0.53" in found
    assert found.count("$\\theta$ = 5") == 1                # the notebook one is on the live grid
    # lambda_2 is held at 0.80 on the website: only the question without "in the notebook"
    assert found.count("λ₂") == 1 and "slider 'λ₂': [0.80]" in found
    assert "$\\lambda_1$" not in found
