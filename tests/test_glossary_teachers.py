"""The glossary and the teachers' page say only what the chapters show.

Both are plain markdown pages: they cannot glue a number from a notebook, and nothing
in the build notices when a chapter they point to moves on. These tests do.

Glossary (``chapters/glossary.md``):

- every "Taught in" link (``[ch. 4, §4.6–4.7 and §4.11](04_bptt.ipynb)``) points to a
  page that exists and to sections that exist in it (``§N.M``, ranges ``§N.M–K``,
  ``opening section``, ``Exercise N.M``, and for a markdown page a quoted heading),
  and those sections use the term: one of the entry's head words, or one of the few
  other forms listed in ``FORMS`` (with the reason), after markup is removed. This is
  how "hidden layer: taught in ch. 2, §2.1" was caught when §2.1 never said it;
- every Korean term in bold in an entry has a row in the Korean index, and every row
  of the index points to an entry that lists that Korean term (or says which entry to
  see instead).

Teachers' page (``chapters/teachers.md``): every slider value it names is one the
website can show. A block is a paragraph group under a bold heading (a lesson block) or
one bullet of "A question for every slider figure"; the figures it is about are the
explorers shown in the sections it cites (``§1.2`` -> the explorer called in section
1.2 of chapter 1). Values are read with the rules of ``test_slider_questions`` (a
clause that says "notebook" is checked against the live grid), and a stated grid,
``$b \\in \\{-0.55, -0.5, 0, 0.5, 0.55\\}$``, must be exactly the website's.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from test_slider_questions import (
    CALL,
    INLINE_MATH,
    _number,
    canon,
    make_explorer,
    named_values,
    on_grid,
    slider_matches,
    website_grid,
)

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
GLOSSARY = CHAPTERS / "glossary.md"
TEACHERS = CHAPTERS / "teachers.md"

#: other forms that show a term is taught, where the section does not use its head
#: words (matched as word prefixes, after markup and hyphens are removed)
FORMS = {
    "activation function": ["squash"],          # ch. 1 and 3 call sigma a squashing function
    "dynamical system": ["dynamics"],           # ch. 1 speaks of dynamics
    "function approximation": ["approximat"],   # "approximate them with neural networks"
    "machine translation": ["translation"],
    "observation map": ["observation", "output map"],
    "impulse response": ["pulse"],             # ch. 6 §6.4: "after a single unit pulse"
    "saturation": ["saturat"],
    "sentiment classification": ["sentiment"],
    "stability": ["stable"],
    "state map": ["rule $f$", "state map"],
    "time step": ["time counts"],
    "time-series prediction": ["predict"],
    "vanishing gradient": ["vanish"],
    "exploding gradient": ["explod"],
    "weight sharing": ["share"],
    "bias": ["bias"],
    "latch": ["latch", "bit"],                # ch. 1 and 3: "store one bit", "two bits"
    "validation set": ["validation"],
    "mini-batch": ["mini batch", "batch"],
    "baseline": ["baseline"],
    "autoregressive model": ["autoregression"],
    "leaky unit": ["leak"],
    "selective state-space model": ["selective"],
    "parallel scan": ["scan"],
    "gated recurrent unit": ["gru"],
    "long short-term memory": ["lstm"],
    "Elman RNN": ["elman", "recurrent neural network"],   # ch. 3 calls it "the RNN"
    "delayed recall": ["delayed recall"],
    "time invariance": ["time invariant"],
    "marginal fixed point": ["marginal"],
    "bag of words": ["bag of"],
    "logit": ["logits"],
}


# -- reading pages ---------------------------------------------------------------
def _markdown(path: Path) -> list[str]:
    if path.suffix == ".md":
        return [path.read_text()]
    cells = json.loads(path.read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def _cells(path: Path) -> list[tuple[str, str]]:
    cells = json.loads(path.read_text())["cells"]
    return [(c["cell_type"], "".join(c["source"])) for c in cells]


def _section_key(line: str):
    m = re.match(r"^##\s+(\d+\.\d+)\s", line)
    if m:
        return m.group(1)
    m = re.match(r"^##\s+(.*?)\s*$", line)
    return m.group(1) if m else None


def sections(path: Path) -> dict[str, str]:
    """The page's markdown by section: '0' before the first '## ', 'N.M' for a
    numbered section, the heading text for an unnumbered one."""
    out: dict[str, list[str]] = {"0": []}
    key = "0"
    for text in _markdown(path):
        for line in text.splitlines():
            new = _section_key(line)
            if new is not None:
                key = new
                out.setdefault(key, [])
            out[key].append(line)
    return {k: "\n".join(v) for k, v in out.items()}


def section_explorers(chapter: int) -> dict[str, list[tuple[str, str]]]:
    """{'N.M': [(explorer name, argument text), ...]} for one chapter notebook."""
    path = next(CHAPTERS.glob(f"{chapter:02d}_*.ipynb"), None)
    out: dict[str, list[tuple[str, str]]] = {}
    if path is None:
        return out
    key = "0"
    for kind, src in _cells(path):
        if kind == "markdown":
            for line in src.splitlines():
                new = _section_key(line)
                if new is not None:
                    key = new
        else:
            for m in CALL.finditer(src):
                out.setdefault(key, []).append((m.group(1), m.group(2)))
    return out


def norm(text: str) -> str:
    """Text without markup, lower case, hyphens as spaces."""
    text = re.sub(r"\{term\}`([^`<]*?)\s*<([^`>]*)>`", r"\1 \2", text)
    text = re.sub(r"\{term\}`([^`]*)`", r"\1", text)
    text = re.sub(r"[*“”\"’]", "", text).replace("-", " ").replace("‑", " ").lower()
    return re.sub(r"\s+", " ", text)


# -- the glossary ----------------------------------------------------------------
def glossary_entries(text: str) -> list[dict]:
    """[{'terms': [...], 'body': str}] from the page's glossary directive."""
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S).group(1)
    entries: list[dict] = []
    current = None
    for line in block.splitlines():
        if not line.strip() or line.startswith(":"):
            continue
        if not line.startswith(" "):
            if current is None or current["body"]:
                current = {"terms": [], "body": ""}
                entries.append(current)
            current["terms"].append(line.strip())
        else:
            current["body"] += line.strip() + " "
    return entries


LINK = re.compile(r"\[([^\]]+)\]\(([\w.-]+\.(?:ipynb|md))\)")
SECTION = re.compile(r"§(\d+)\.(\d+)(?:\s*[–-]\s*(?:\d+\.)?(\d+))?")


def link_sections(link_text: str, secs: dict[str, str], md_page: bool) -> list[str]:
    keys = []
    for m in SECTION.finditer(link_text):
        ch, lo, hi = m.group(1), int(m.group(2)), int(m.group(3) or m.group(2))
        keys += [f"{ch}.{i}" for i in range(lo, hi + 1)]
    if "opening section" in link_text:
        keys.append("0")
    for m in re.finditer(r"Exercise (\d+\.\d+)", link_text):
        keys += [k for k, v in secs.items() if f"Exercise {m.group(1)} " in v] or [
            f"Exercise {m.group(1)}"]
    if md_page:
        keys += re.findall(r"“([^”]+)”", link_text)
    return keys


def glossary_problems(text: str) -> list[str]:
    found = []
    for entry in glossary_entries(text):
        head = entry["terms"][0]
        names = [norm(t) for t in entry["terms"]]
        names += [norm(f) for t in entry["terms"] for f in FORMS.get(t, [])]
        for link_text, target in LINK.findall(entry["body"]):
            path = CHAPTERS / target
            if not path.exists():
                found.append(f"{head!r}: [{link_text}] points to {target}, which does not exist")
                continue
            secs = sections(path)
            keys = link_sections(link_text, secs, path.suffix == ".md")
            missing = [k for k in keys if k not in secs]
            if missing:
                found.append(f"{head!r}: [{link_text}]: {target} has no section {missing}")
                continue
            where = norm(" ".join(secs[k] for k in keys) if keys else " ".join(secs.values()))
            if not any(re.search(r"\b" + re.escape(n), where) for n in names):
                found.append(f"{head!r}: [{link_text}]: {target} does not use the term "
                             f"there ({', '.join(entry['terms'])})")
    return found


def korean_terms(body: str) -> list[str]:
    """The bold Korean terms of an entry (its Korean line comes first)."""
    return [t.strip() for t in re.findall(r"\*\*([^*]+)\*\*", body)
            if re.search(r"[\uac00-\ud7a3]", t)]


def _plain(text: str) -> str:
    """Korean text without parenthesised asides and quotes: '재귀적인 (반복되는) 뉴럴
    네트워크 (the article's wording)' -> '재귀적인 뉴럴 네트워크'."""
    text = re.sub(r"\s*\([^()]*\)", "", text)
    return re.sub(r"\s+", " ", re.sub(r"[“”\"]", "", text)).strip()


def korean_index(text: str) -> list[tuple[str, str]]:
    part = text.split("(korean-index)=", 1)[1]
    rows = re.findall(r"^\|\s*([^|]+?)\s*\|\s*(.+?)\s*\|\s*$", part, re.M)
    return [(k, v) for k, v in rows if k not in ("한국어",) and not set(k) <= set("- ")]


def index_problems(text: str) -> list[str]:
    entries = glossary_entries(text)
    rows = korean_index(text)
    found = []
    indexed = {_plain(k) for k, _ in rows}
    for entry in entries:
        for term in korean_terms(entry["body"]):
            for part in re.split(r"\s*/\s*", _plain(term)):
                if part and part not in indexed:
                    found.append(f"{entry['terms'][0]!r}: Korean term {part!r} has no row in "
                                 "the Korean index")
    by_term = {norm(t): entry for entry in entries for t in entry["terms"]}
    for korean, target in rows:
        m = re.search(r"\{term\}`([^`<]*?)(?:\s*<([^`>]*)>)?`", target)
        if m is None:
            found.append(f"index row {korean!r}: no {{term}} link")
            continue
        term = m.group(2) or m.group(1)
        entry = by_term.get(norm(term))
        if entry is None:
            found.append(f"index row {korean!r}: {term!r} is not a glossary term")
            continue
        body = entry["body"].replace("“", "").replace("”", "")
        if _plain(korean) not in _plain(entry["body"]) and _plain(korean) not in body:
            found.append(f"index row {korean!r}: the entry {term!r} does not list "
                         f"{_plain(korean)!r}")
    return found


def test_glossary_taught_in_links_point_to_sections_that_use_the_term():
    found = glossary_problems(GLOSSARY.read_text())
    assert not found, "\n  ".join(["glossary links that do not hold:"] + found)


def test_korean_index_and_entries_agree():
    found = index_problems(GLOSSARY.read_text())
    assert not found, "\n  ".join(["Korean index:"] + found)


def test_the_link_check_catches_a_false_taught_in(tmp_path, monkeypatch):
    """The first edition's 'hidden layer: taught in ch. 2, §2.1', against a §2.1 that
    never says it; and a section that does not exist."""
    ch = tmp_path / "02_state_space_model.ipynb"
    ch.write_text(json.dumps({"cells": [
        {"cell_type": "markdown", "source": "# 2. Title\n\n## 2.1 The state\n\n"
         "The state is hidden: no one tells us what values it should take.\n",
         "metadata": {}}]}))
    monkeypatch.setattr(__import__(__name__), "CHAPTERS", tmp_path)
    page = ("```{glossary}\n:sorted:\n\nhidden layer\n  **은닉층**\n\n  A layer. Taught in\n"
            "  [ch. 2, §2.1](02_state_space_model.ipynb).\n\nstate\n  **상태**\n\n"
            "  The state. Taught in [ch. 2, §2.1](02_state_space_model.ipynb);\n"
            "  [ch. 2, §2.9](02_state_space_model.ipynb).\n```\n")
    found = "\n".join(glossary_problems(page))
    assert "'hidden layer'" in found and "does not use the term" in found
    assert "no section ['2.9']" in found
    assert "'state': [ch. 2, §2.1]" not in found


# -- the teachers' page ----------------------------------------------------------
def teacher_blocks(text: str) -> list[str]:
    """Lesson blocks (from a line that starts in bold to the next) and the bullets of
    'A question for every slider figure'."""
    head, _, rest = text.partition("(teachers-all-sliders)=")
    slider_list, _, tail = rest.partition("\n## How students")
    blocks = re.split(r"\n(?=\*\*[^*\n]+\*\*)", head)
    blocks += re.split(r"\n(?=- \*)", slider_list)
    return [b for b in blocks if "§" in b]


def _stated_grids(block: str):
    """(symbol, values) for every '$sym \\in \\{v, ...\\}$' in the block."""
    for m in INLINE_MATH.finditer(block):
        g = re.fullmatch(r"\s*(.+?)\s*\\in\s*\\\{(.+)\\\}\s*", m.group(1))
        if g:
            values = [_number(v) for v in g.group(2).split(",")]
            if all(values):
                yield g.group(1), [v[0] for v in values]


def _sliders(made, key):
    """(explorer, slider) for every slider of the explorers that the symbol names."""
    return [(ex, s) for ex in made for s in ex.sliders if slider_matches(s, key)]


def teacher_problems(text: str) -> list[str]:
    found = []
    explorers = {}
    for block in teacher_blocks(text):
        title = " ".join(block.split())[:60]
        shown = []
        for m in SECTION.finditer(block):
            ch, lo, hi = int(m.group(1)), int(m.group(2)), int(m.group(3) or m.group(2))
            explorers.setdefault(ch, section_explorers(ch))
            for k in range(lo, hi + 1):
                shown += explorers[ch].get(f"{ch}.{k}", [])
        if not shown:
            continue
        named = named_values(block)
        grids = list(_stated_grids(block))
        if not named and not grids:
            continue
        made = [make_explorer(name, args) for name, args in dict.fromkeys(shown)]
        for sym, key, value, tol, sentence in named:
            matches = _sliders(made, key)
            if not matches:
                continue
            if isinstance(value, str) and not any(
                    isinstance(g, str) for _, s in matches for g in s.grid()):
                continue                  # "$r = |\\lambda|$": a name, not a position
            live = "notebook" in sentence.lower()
            if not any(on_grid(website_grid(ex, s, live), value, tol) for ex, s in matches):
                where = "live" if live else "website"
                found.append(f"{title!r}...: ${sym}$ = {value} is not on the {where} grid of "
                             f"{[s.label for _, s in matches]}")
        for sym, values in grids:
            matches = _sliders(made, canon(sym))
            if not matches:
                found.append(f"{title!r}...: ${sym}$ is not a slider of {[n for n, _ in shown]}")
                continue
            ex, s = matches[0]
            grid = website_grid(ex, s, False)
            if len(grid) != len(values) or not np.allclose(sorted(grid), sorted(values)):
                found.append(f"{title!r}...: the page says ${sym}$ takes {values} on the "
                             f"website, but its grid is {grid}")
    return found


def test_teachers_page_names_only_values_the_website_shows():
    found = teacher_problems(TEACHERS.read_text())
    assert not found, "\n  ".join(["teachers.md:"] + found)


def test_the_teacher_check_catches_the_first_editions_questions():
    """The first edition's cobweb line (b on a grid it did not have) and a value the
    linear map's website grid lacks."""
    page = ("## Plan\n\n**5–14 · Where does a state go?**\n- *Page:* [§1.1 The linear map]"
            "(01_first_order_systems.ipynb).\n- *Ask:* \"What happens at $a = 0.9$?\"\n\n"
            "(teachers-all-sliders)=\n## A question for every slider figure\n\n"
            "- *The cobweb plot* (§1.2; website: $w$, and $b \\in \\{-0.3, 0, 0.3\\}$). "
            "At $w = 2$?\n- *The linear map* (§1.1). In the notebook, $a = 0.9$.\n"
            "\n## How students run the book\n")
    found = "\n".join(teacher_problems(page))
    assert "$a$ = 0.9 is not on the website grid" in found
    assert "takes [-0.3, 0.0, 0.3] on the website" in found
    assert "$w$ = 2" not in found and "live grid" not in found


@pytest.mark.parametrize("page", [GLOSSARY, TEACHERS], ids=lambda p: p.stem)
def test_pages_cite_only_sections_that_exist(page):
    """Every '§N.M' on the page is a section of chapter N (chapter 4's moved, for one)."""
    text = page.read_text()
    found = []
    for m in SECTION.finditer(text):
        ch = int(m.group(1))
        path = next(CHAPTERS.glob(f"{ch:02d}_*.ipynb"), None)
        secs = sections(path) if path else {}
        for k in range(int(m.group(2)), int(m.group(3) or m.group(2)) + 1):
            if f"{ch}.{k}" not in secs:
                found.append(f"§{ch}.{k} ({text[max(0, m.start() - 40):m.end()]!r})")
    assert not found, f"{page.name} cites sections that do not exist: {found}"
