"""Every chapter's Exercises section has the agreed structure.

A chapter notebook may end with a section "## N.k Exercises". In it, each exercise is a
markdown cell that starts with its label ``(ex-chN-j)=`` and a MyST admonition
``:::{admonition} Exercise N.j — title``. What follows the exercise decides its kind:

- a recall (or understanding) exercise is followed by its answer, a collapsed dropdown
  (``:::{dropdown}`` or an admonition with ``:class: dropdown``), in the next markdown
  cell or in the exercise's own cell;
- a coding exercise is followed by a starter code cell (shown, untagged) and then by
  the solution code cell, tagged ``hide-cell`` (so the website hides it) and holding
  ``assert`` checks.

nbval executes every notebook in the test suite, so every solution runs its checks
there: a solution that no longer satisfies its exercise fails the suite.

The introduction, a MyST markdown page, ends with a section "## Exercises" of recall
exercises labelled ``(ex-ch0-j)=``, each followed by its dropdown answer.
"""
import json
import re

import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
HEADING = re.compile(r"^## (\d+)\.(\d+) Exercises\s*$", re.M)
EXERCISE = re.compile(r"^\(ex-ch(\d+)-(\d+)\)=\n:::\{admonition\} Exercise (\d+)\.(\d+) — \S")
DROPDOWN = re.compile(r"^:{3,}\{dropdown\}|^:class:.*\bdropdown\b", re.M)
# Chapters that must have exercises; any other chapter with a section is checked too.
REQUIRED = ["01_first_order_systems", "02_state_space_model", "03_rnn", "04_bptt",
            "05_problem_types", "06_keeping_memory"]
INTRODUCTION = ROOT / "chapters" / "00_introduction.md"


def _cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    for cell in cells:
        if isinstance(cell["source"], list):
            cell["source"] = "".join(cell["source"])
    return cells


def _section_start(cells):
    """Index of the cell that opens the Exercises section, or None."""
    starts = [i for i, c in enumerate(cells)
              if c["cell_type"] == "markdown" and HEADING.search(c["source"])]
    assert len(starts) <= 1, "more than one Exercises section"
    return starts[0] if starts else None


WITH_EXERCISES = [p for p in NOTEBOOKS if _section_start(_cells(p)) is not None]


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _exercises(cells, start):
    """(number j, exercise cell index, kind, cells that belong to it) in order."""
    found = [i for i in range(start, len(cells))
             if cells[i]["cell_type"] == "markdown"
             and ":::{admonition} Exercise" in cells[i]["source"]]
    out = []
    for n, i in enumerate(found):
        end = found[n + 1] if n + 1 < len(found) else len(cells)
        after = cells[i + 1:end]
        kind = "code" if after and after[0]["cell_type"] == "code" else "recall"
        out.append((i, kind, after))
    return out


def test_the_required_chapters_have_exercises():
    names = [p.stem for p in WITH_EXERCISES]
    missing = [name for name in REQUIRED if name not in names]
    assert not missing, f"no Exercises section in {missing}"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_exercises_section_is_the_chapters_last_and_numbered_next(path):
    cells = _cells(path)
    start = _section_start(cells)
    chapter = int(path.stem.split("_")[0])
    m = HEADING.search(cells[start]["source"])
    assert int(m.group(1)) == chapter
    earlier = [int(k) for c in cells[:start] if c["cell_type"] == "markdown"
               for k in re.findall(rf"^## {chapter}\.(\d+) ", c["source"], re.M)]
    assert int(m.group(2)) == max(earlier, default=0) + 1, "not the next section number"
    later = [c for c in cells[start + 1:] if c["cell_type"] == "markdown"
             and re.search(r"^#{1,2} ", c["source"], re.M)]
    assert not later, "the Exercises section must be the chapter's last section"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_three_to_six_exercises_numbered_and_labelled_in_order(path):
    cells = _cells(path)
    start = _section_start(cells)
    chapter = int(path.stem.split("_")[0])
    exercises = _exercises(cells, start)
    assert 3 <= len(exercises) <= 6, f"{len(exercises)} exercises, want 3 to 6"
    kinds = {kind for _, kind, _ in exercises}
    assert kinds == {"code", "recall"}, f"want recall and coding exercises, got {kinds}"
    for j, (i, _, _) in enumerate(exercises, start=1):
        m = EXERCISE.match(cells[i]["source"])
        assert m, (f"exercise cell {i} must start with its label and "
                   f"':::{{admonition}} Exercise {chapter}.{j} — title'")
        assert [int(g) for g in m.groups()] == [chapter, j, chapter, j], m.group(0)
        assert ":class: tip" in cells[i]["source"]


def _of_kind(path, wanted):
    """(cell index, the cells after it) of every exercise of one kind in a notebook."""
    cells = _cells(path)
    return [(i, after) for i, kind, after in _exercises(cells, _section_start(cells))
            if kind == wanted]


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_recall_exercises_have_a_collapsed_answer(path):
    cells = _cells(path)
    for i, after in _of_kind(path, "recall"):
        lines = cells[i]["source"].split("\n")
        close = next(n for n, line in enumerate(lines) if n > 1 and line.strip() == ":::")
        own = "\n".join(lines[close + 1:])                 # after the admonition
        nxt = after[0]["source"] if after and after[0]["cell_type"] == "markdown" else ""
        assert DROPDOWN.search(own) or DROPDOWN.search(nxt), \
            f"exercise cell {i} has no dropdown answer"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_coding_exercises_have_a_starter_and_a_hidden_checked_solution(path):
    for i, after in _of_kind(path, "code"):
        code = [c for c in after if c["cell_type"] == "code"]
        assert len(code) == 2, f"exercise cell {i}: want a starter and a solution cell"
        starter, solution = code
        assert not _tags(starter), f"exercise cell {i}: the starter must be shown"
        assert "hide-cell" in _tags(solution), \
            f"exercise cell {i}: the solution must be tagged hide-cell"
        assert re.search(r"^\s*assert\b", solution["source"], re.M), \
            f"exercise cell {i}: the solution must check its claims with assert"
        for cell in code:
            long = [line for line in cell["source"].split("\n") if len(line) > 79]
            assert not long, f"lines over 79 characters: {long}"


def _intro_blocks():
    """The introduction's exercises: the text from each label to the next (or the end)."""
    text = INTRODUCTION.read_text(encoding="utf-8")
    heads = list(re.finditer(r"^## Exercises[ \t]*$", text, re.M))
    assert len(heads) == 1, f"want one '## Exercises' section, found {len(heads)}"
    section = text[heads[0].end():]
    assert not re.search(r"^#{1,2} ", section, re.M), \
        "the Exercises section must be the introduction's last section"
    starts = [m.start() for m in re.finditer(r"^\(ex-", section, re.M)]
    assert section.count(":::{admonition} Exercise") == len(starts), \
        "every exercise needs its label"
    return [section[a:b] for a, b in zip(starts, starts[1:] + [len(section)])]


def test_the_introduction_has_recall_exercises_with_dropdown_answers():
    blocks = _intro_blocks()
    assert 3 <= len(blocks) <= 6, f"{len(blocks)} exercises, want 3 to 6"
    for j, block in enumerate(blocks, start=1):
        m = EXERCISE.match(block)
        assert m, (f"introduction exercise {j} must start with its label and "
                   f"':::{{admonition}} Exercise 0.{j} — title'")
        assert [int(g) for g in m.groups()] == [0, j, 0, j], m.group(0)
        assert ":class: tip" in block
        lines = block.split("\n")
        close = next(n for n, line in enumerate(lines) if n > 1 and line.strip() == ":::")
        assert DROPDOWN.search("\n".join(lines[close + 1:])), \
            f"introduction exercise {j} has no dropdown answer after it"


def test_exercise_labels_are_unique_across_the_book():
    labels = [label for p in NOTEBOOKS for c in _cells(p) if c["cell_type"] == "markdown"
              for label in re.findall(r"^\((ex-[\w-]+)\)=", c["source"], re.M)]
    labels += [label for p in sorted((ROOT / "chapters").glob("*.md"))
               for label in re.findall(r"^\((ex-[\w-]+)\)=",
                                       p.read_text(encoding="utf-8"), re.M)]
    assert len(labels) == len(set(labels)), sorted(labels)
