"""No measured number is typed into a chapter's prose: it comes from a cell, via glue.

A number a cell measures (an accuracy, a ratio, a gradient norm) that is also typed
into the text drifts as soon as the code, the data or a seed changes, and the reader
cannot tell. The book puts such numbers into the text with myst-nb's glue
(``glue("name", value, display=False)`` in the cell, ``{glue:text}`name:.3f``` in
the markdown). A rule cannot tell a chosen parameter (a learning rate of 0.01, 16
units) from a measurement, so this test flags the numbers that *look* measured and
lets each notebook list the typed ones it keeps, with a reason.

Flagged, in markdown outside glue roles and other ``{role}`...``` spans, inline code,
code fences and ``$$`` display math (inline ``$...$`` math is read):

- percentages: ``75 %``, ``75%``, ``75\\%``, ``75 percent``;
- multipliers: ``13×``, ``13 \\times`` (not ``2 \\times 2``, a shape), ``×1.5``,
  ``287-fold``, ``a factor of 287``, ``287 times larger`` (smaller, more, less, faster,
  slower, as);
- scientific notation: ``2.3e-9``, ``10^{-9}``, ``5 \\cdot 10^{-7}``, ``1e6``;
- decimals with three or more significant digits or three or more decimal places:
  ``0.957``, ``0.079``, ``12.5``, ``0.001`` (not ``0.95``, ``6.6``, ``1.5``).

Each notebook's allow-list of typed constants sits next to the text it governs, in
the notebook's metadata::

    metadata["rnn_book"]["typed_numbers"] = {
        "0.001": "closed form: 0.5^10, a chosen factor to a chosen power",
        "1%": "a threshold the exercise chooses"}

keyed by the number as the test reports it (``0.957``, ``75%``, ``13×``,
``10^{-9}``, ``2.3e-9``). A reason is required, and an entry that no longer matches
anything is reported too, so the list cannot go stale. Words such as "a fifteenth"
or "about twice" are beyond a rule: they are for the editors.

Pages: every ``chapters/NN_*.ipynb`` and ``chapters/NN_*.md`` (a markdown page keeps
its list in its front matter, ``rnn_book: typed_numbers: {...}``). The glossary and
the teachers' page are reference notes, not chapters, and are not checked.
``RNN_BOOK_CHAPTERS=/other/chapters pytest ...`` runs it on another copy of the
chapters.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_DIR = Path(os.environ.get("RNN_BOOK_CHAPTERS", ROOT / "chapters"))
PAGES = sorted(CHAPTER_DIR.glob("[0-9][0-9]_*.ipynb")) + sorted(CHAPTER_DIR.glob("[0-9][0-9]_*.md"))

# -- what is not prose ---------------------------------------------------------------
FENCE = re.compile(r"^(```|~~~).*?^\1\s*$", re.M | re.S)
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")                # {glue:text}`x:.3f`, {eq}`...`
CODE = re.compile(r"`[^`\n]*`")
LABEL = re.compile(r"^\([\w-]+\)=\s*$", re.M)             # (ex-ch1-2)=
DIRECTIVE = re.compile(r"^(:::|```)\{?[\w-]*\}?.*$|^:\w+:.*$", re.M)
LINK = re.compile(r"\]\([^)]*\)")                         # [text](target.ipynb#x)
#: a section number (§4.10, section 4.10, exercise 1.5) is not a measurement
SECTION = re.compile(r"(?:§|\b(?:[Ss]ections?|[Cc]hapters?|[Ee]xercises?|[Ff]igures?|"
                     r"[Ee]quations?|ch\.)|^#+)\s*$", re.M)

# -- what looks measured -------------------------------------------------------------
NUM = r"(?<![\w.])(\d+(?:[.,]\d+)*)"
PATTERNS = [
    ("percent", re.compile(NUM + r"\s*(?:\\?%|percent\b)")),
    ("multiplier", re.compile(NUM + r"\s*(?:×|\\times)(?!\s*\d)(?!\s*[a-z]\b)")),
    ("multiplier", re.compile(r"(?:^|[^\w}\s])\s*(?:×|\\times)\s*(\d+(?:\.\d+)?)", re.M)),
    ("multiplier", re.compile(NUM + r"-?fold\b")),
    ("multiplier", re.compile(r"\bfactor of\s*\$?\s*" + NUM)),
    ("multiplier", re.compile(NUM + r"\s+times\s+(?:larger|smaller|more|less|fewer|faster|"
                              r"slower|as|bigger|higher|lower)\b")),
    ("scientific", re.compile(r"(?<![\w.])(\d+(?:\.\d+)?[eE][-+−]?\d+)\b")),
    ("scientific", re.compile(r"(?<![\w.])(10\s*\^\s*\{?\s*[-−]?\s*\d+\s*\}?)")),
    ("scientific", re.compile(r"(10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)")),
    ("decimal", re.compile(r"(?<![\w.^{_])(\d+\.\d+)(?![\w.]|\s*[eE]\d)")),
]


def _decimal_looks_measured(token: str) -> bool:
    whole, frac = token.split(".")
    significant = (whole.lstrip("0") + frac).lstrip("0")
    return len(frac) >= 3 or len(significant) >= 3


def key(kind: str, token: str) -> str:
    """How a flagged number is written in reports and allow-lists."""
    t = re.sub(r"\s+", "", token).replace("−", "-").replace(",", "")
    return {"percent": t + "%", "multiplier": t + "×"}.get(kind, t)


def prose(markdown: str) -> str:
    """The text a reader sees typed: without code, display math, roles and labels."""
    text = FENCE.sub(" ", markdown)
    text = DISPLAY_MATH.sub(" ", text)
    text = ROLE.sub(" ", text)
    text = CODE.sub(" ", text)
    text = LABEL.sub(" ", text)
    text = DIRECTIVE.sub(" ", text)
    return LINK.sub("]", text)


def flagged(markdown: str) -> list[tuple[str, str]]:
    """(key, context) of every measured-looking number in a piece of markdown."""
    text = prose(markdown)
    found, taken = [], []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            span = m.span(1)
            if any(a <= span[0] < b for a, b in taken):
                continue                                  # already flagged as another kind
            token = m.group(1)
            if kind == "decimal" and (not _decimal_looks_measured(token)
                                      or SECTION.search(text[:m.start(1)])):
                continue
            taken.append(m.span())
            context = " ".join(text[max(0, m.start() - 40):m.end() + 25].split())
            found.append((key(kind, token), context))
    return found


# -- pages ---------------------------------------------------------------------------
def page_markdown(path: Path) -> tuple[list[tuple[str, str]], dict]:
    """([(where, markdown)], allow-list) of a notebook or a markdown page."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text())
        allowed = nb.get("metadata", {}).get("rnn_book", {}).get("typed_numbers", {})
        cells = [(f"cell {k}", "".join(c["source"])) for k, c in enumerate(nb["cells"])
                 if c["cell_type"] == "markdown"]
        return cells, allowed
    text = path.read_text()
    allowed = {}
    if m := re.match(r"^---\n(.*?)\n---\n", text, re.S):
        front = yaml.safe_load(m.group(1)) or {}
        allowed = (front.get("rnn_book") or {}).get("typed_numbers", {})
        text = text[m.end():]
    return [("page", text)], allowed


def problems(path: Path) -> list[str]:
    parts, allowed = page_markdown(path)
    out, used = [], set()
    for where, markdown in parts:
        for k, context in flagged(markdown):
            if k in allowed:
                used.add(k)
            else:
                out.append(f"{where}: {k!r} in '...{context}...'")
    for k, reason in allowed.items():
        if not (isinstance(reason, str) and reason.strip()):
            out.append(f"allow-list: {k!r} has no reason")
        if k not in used:
            out.append(f"allow-list: {k!r} matches nothing any more (remove it)")
    return out


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_no_measured_number_is_typed_into_the_prose(path):
    found = problems(path)
    assert not found, (
        f"{path.name}: {len(found)} typed number(s) that look measured. Put each into the "
        "text with glue from the cell that measures it, or, for a chosen parameter or a "
        "closed-form constant, add it to metadata['rnn_book']['typed_numbers'] with the "
        "reason:\n  " + "\n  ".join(found))


# -- the rule itself -----------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("the RNN reaches 75 % and the baseline 75%.", ["75%", "75%"]),
    (r"accuracy of $100\%$", ["100%"]),
    ("about 13× better, a factor of 287, 30 times larger", ["13×", "287×", "30×"]),
    ("it grows (×1.52), a 40-fold rise", ["1.52×", "40×"]),
    ("between 1e-10 and 2.3e-9", ["1e-10", "2.3e-9"]),
    (r"the gap is $10^{-9}$ or $5 \cdot 10^{-7}$", ["10^{-9}", "10^{-7}"]),
    ("about 0.074 against 0.079, slope 0.957 and 12.5 steps", ["0.074", "0.079", "0.957",
                                                                "12.5"]),
])
def test_the_rule_flags_numbers_that_look_measured(text, expected):
    assert [k for k, _ in flagged(text)] == expected


@pytest.mark.parametrize("text", [
    "a $2 \\times 2$ matrix, $n_x \\times n_u$, 16 units, learning rate 0.01",
    "with $a = 0.95$, 6.6 steps, $w = 1.5$, section 4.10 and §4.11",
    "## 4.10 An experiment",
    "{glue:text}`acc:.3f` and `x = 0.12345` and {eq}`eq-1.234`",
    "$$\nx = 0.12345\n$$",
    "see [the page](05_problem_types.ipynb#sec-1.234)",
])
def test_the_rule_leaves_chosen_numbers_and_code_alone(text):
    assert flagged(text) == []


def test_allow_list_entries_need_a_reason_and_a_match(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "metadata": {},
                     "source": "slope 0.957 and 75 %"}],
          "metadata": {"rnn_book": {"typed_numbers": {"0.957": "closed form", "75%": "",
                                                      "0.123": "stale"}}}}
    path = tmp_path / "99_probe.ipynb"
    path.write_text(json.dumps(nb))
    found = "\n".join(problems(path))
    assert "'75%' has no reason" in found and "'0.123' matches nothing" in found
    assert "0.957" not in found
