"""What a reader takes home from the website, made from the repository without building
the book: the wheel, the runnable zip, the chapters' first cell when the library is
missing, the book's version, and the print document the PDF is made from. (The files as
the book build serves them, the PDF itself and the links to them are checked in
test_site.py, where the book is built once.)

The tests marked ``build`` install the wheel and the zip into fresh virtual environments
(pip may fetch packages from the package index, through pip's cache): minutes, not
seconds.
"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

import book_pdf  # _take_home/, on sys.path from conftest
import rnn_lib
import take_home
from conftest import CHAPTERS, ROOT

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
VERSION = take_home.BookVersion(rnn_lib.__version__, "2026-12-24", "abc1234", False)
# the cheapest chapter to run in the bundle's fresh environment
BUNDLE_CHAPTER = "01_first_order_systems.ipynb"


def first_code_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return next("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def run_python(code, **kwargs):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, **kwargs)


# -- the chapters' first cell ---------------------------------------------------------
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_stops_with_one_line_when_rnn_lib_is_missing(path):
    """Without the library a reader sees what to install, not a traceback."""
    code = 'import sys\nsys.modules["rnn_lib"] = None\n' + first_code_cell(path)
    proc = run_python(code)
    message = proc.stderr.strip()
    assert proc.returncode == 1 and "Traceback" not in message, (
        f"{path.name}: the first code cell does not stop with a message when rnn_lib is "
        f"missing (paste /tmp/team/first_cell.md's cell); it printed:\n{message[-800:]}")
    assert len(message.splitlines()) <= 2, message
    assert "Run it yourself" in message and "pip install" in message, message


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_gives_a_glue_that_works_without_myst_nb(path):
    """On Colab or from the zip (no myst-nb) ``glue`` does nothing instead of failing."""
    code = ('import sys\nsys.modules["myst_nb"] = None\n' + first_code_cell(path)
            + '\nglue("name", 1.0, display=False)\nprint("glued")')
    proc = run_python(code)
    assert proc.returncode == 0 and "glued" in proc.stdout, (
        f"{path.name}: without myst_nb the first code cell fails or gives no glue:\n"
        f"{proc.stderr[-800:]}")
    with_myst = run_python(first_code_cell(path) + "\nprint(glue.__module__)")
    assert with_myst.stdout.strip().startswith("myst_nb"), with_myst.stderr[-800:]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_cell_but_the_first_imports_myst_nb(path):
    """A later ``from myst_nb import glue`` would undo the first cell's fallback."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    late = [i for i, src in enumerate(code[1:], 1)
            if re.search(r"^\s*(from|import)\s+myst_nb\b", src, re.M)]
    assert not late, f"{path.name}: code cells {late} import myst_nb"


# -- the book's version ---------------------------------------------------------------
def tables(toml_text):
    return re.findall(r"^\[([^\]]+)\]\s*$", toml_text, re.M)


def test_one_version_for_the_library_the_wheel_and_the_book():
    text = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^dynamic = \["version"\]', text, re.M)
    assert re.search(r'^\[tool\.setuptools\.dynamic\]\nversion = \{attr = "rnn_lib\.__version__"\}',
                     text, re.M)
    assert take_home.library_version(ROOT) == rnn_lib.__version__


def test_version_line_names_version_date_and_commit(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1766534400")              # 2025-12-24 UTC
    here = take_home.book_version(ROOT)
    assert here.version == rnn_lib.__version__ and here.date == "2025-12-24"
    assert re.fullmatch(r"[0-9a-f]{7,}", here.commit or ""), here
    assert here.line().startswith(f"Version {rnn_lib.__version__}, built 2025-12-24 from "
                                  f"commit {here.commit}")
    # outside a git checkout (an unpacked source archive) the commit is left out
    (tmp_path / "rnn_lib").mkdir()
    (tmp_path / "rnn_lib" / "__init__.py").write_text('__version__ = "9.8.7"\n')
    bare = take_home.book_version(tmp_path)
    assert bare.commit is None and bare.line() == "Version 9.8.7, built 2025-12-24"
    assert bare.names() == {"pdf": "rnn-book-9.8.7.pdf", "zip": "rnn-book-9.8.7.zip",
                            "wheel": "rnn_lib-9.8.7-py3-none-any.whl"}


# -- the wheel ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return take_home.build_wheel(ROOT, tmp_path_factory.mktemp("wheel"))


def library_files():
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "rnn_lib").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def test_wheel_holds_the_library_with_its_templates(wheel):
    assert wheel.name == f"rnn_lib-{rnn_lib.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        meta = z.read(f"rnn_lib-{rnn_lib.__version__}.dist-info/METADATA").decode()
    assert library_files() <= names, sorted(library_files() - names)
    assert any(n.startswith("rnn_lib/templates/static_face") for n in names)
    assert not [n for n in names if n.startswith(("tests/", "chapters/", "_ext/", "_take_home/"))]
    assert f"Version: {rnn_lib.__version__}" in meta
    for dep in ("numpy", "matplotlib", "ipywidgets", "pillow", "jinja2"):
        assert f"Requires-Dist: {dep}" in meta


def fresh_venv(folder):
    """A new virtual environment (with pip) and its python; pip's cache is kept."""
    venv.EnvBuilder(with_pip=True, clear=True).create(folder)
    return Path(folder) / ("Scripts" if os.name == "nt" else "bin") / "python"


def reader_env():
    """The environment of a reader's terminal: none of the build's settings."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("RNN_BOOK_STATIC", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def check(cmd, **kwargs):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                          env=reader_env(), **kwargs)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.mark.build
def test_wheel_installs_in_a_fresh_environment(wheel, tmp_path):
    python = fresh_venv(tmp_path / "venv")
    check([python, "-m", "pip", "install", "-q", wheel], timeout=900)
    proc = check([python, "-c",
                  "import rnn_lib, rnn_lib.interactive as i; from importlib import resources;"
                  "t = resources.files('rnn_lib') / 'templates';"
                  "print(rnn_lib.__version__, sorted(p.name for p in t.iterdir()),"
                  " rnn_lib.__file__)"], cwd=tmp_path, timeout=300)
    assert proc.stdout.startswith(rnn_lib.__version__), proc.stdout
    assert "static_face.html" in proc.stdout and str(tmp_path) in proc.stdout


# -- the runnable book ----------------------------------------------------------------
@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / VERSION.names()["zip"]
    notebooks = [ROOT / "chapters" / f"{name}.ipynb" for name in CHAPTERS
                 if (ROOT / "chapters" / f"{name}.ipynb").exists()]
    return take_home.build_bundle(ROOT, out, notebooks, VERSION)


def test_bundle_holds_notebooks_library_requirements_and_readme(bundle):
    top = f"rnn-book-{rnn_lib.__version__}"
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
        read = {n: z.read(n).decode("utf-8") for n in names}
    assert {n.split("/")[0] for n in names} == {top}                  # one folder
    assert {f"{top}/{f}" for f in library_files()} <= names
    assert {f"{top}/chapters/{p.name}" for p in NOTEBOOKS} == {
        n for n in names if n.startswith(f"{top}/chapters/")}
    for name, text in read.items():
        if name.endswith(".ipynb"):
            nb = json.loads(text)
            assert all(c.get("outputs", []) == [] and c.get("execution_count") is None
                       for c in nb["cells"]), f"{name} has outputs"
    readme = read[f"{top}/README.md"]
    assert VERSION.line() in readme
    for command in ("python3 -m venv .venv", "pip install -r requirements.txt",
                    "jupyter lab chapters/", "pytest --nbval-lax chapters/"):
        assert command in readme, command
    assert "{" not in readme.replace("```", "")                      # every field filled
    kept = tables(read[f"{top}/pyproject.toml"])                       # no ruff, no pytest
    assert kept[:2] == ["build-system", "project"] and "tool.setuptools.package-data" in kept
    assert all(t in ("build-system", "project") or t.startswith("tool.setuptools")
               for t in kept), kept
    requirements = read[f"{top}/requirements.txt"]
    names_required = {re.match(r"[A-Za-z0-9_.-]+", line).group(0).lower()
                      for line in requirements.splitlines()
                      if line.strip() and not line.startswith(("#", "-e"))}
    assert names_required == set(take_home.BUNDLE_PACKAGES)
    assert "-e ." in requirements.splitlines()
    assert "jupyter-book" not in requirements and "myst" not in requirements


def test_bundle_requirements_keep_the_books_versions():
    book = (ROOT / "requirements.txt").read_text()
    for line in take_home.bundle_requirements(ROOT).splitlines():
        if line and not line.startswith(("#", "-e")):
            assert re.search(rf"^{re.escape(line)}$", book, re.M), line


@pytest.mark.build
def test_bundle_installs_from_its_own_files_and_runs_a_chapter(bundle, tmp_path):
    """As its README says: unzip, a fresh virtual environment, pip install -r
    requirements.txt, then nbval runs a chapter (every cell, in a Jupyter kernel)."""
    with zipfile.ZipFile(bundle) as z:
        z.extractall(tmp_path)
    folder = tmp_path / f"rnn-book-{rnn_lib.__version__}"
    python = fresh_venv(folder / ".venv")
    check([python, "-m", "pip", "install", "-q", "-r", "requirements.txt"], cwd=folder,
          timeout=1800)
    where = check([python, "-c", "import rnn_lib; print(rnn_lib.__file__)"], cwd=tmp_path,
                  timeout=120)
    assert str(folder / "rnn_lib") in where.stdout                   # the bundle's own copy
    proc = check([python, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q",
                  f"chapters/{BUNDLE_CHAPTER}"], cwd=folder, timeout=1200)
    assert re.search(r"\b\d+ passed\b", proc.stdout) and "failed" not in proc.stdout


# -- the print document the PDF is made from -----------------------------------------
FIGURE = "".join([      # a slider figure's static face, as rnn_lib/templates make it
    '<div class="rnnfig" id="rnnfig-0123456789ab"><style>x</style>\n<div class="rnnfig-stack">',
    '<img class="rnnfig-bg" src="data:image/webp;base64,BG" alt="" width="4" height="3">',
    '<img class="rnnfig-frame" src="data:image/svg+xml;base64,F0" alt="a" width="4" ',
    'height="3"></div>\n<div class="rnnfig-print" aria-hidden="true">\n',
    '<figure class="rnnfig-cell" data-k="1"><div class="rnnfig-stack">',
    '<img class="rnnfig-pbg" alt="" width="4" height="3">',
    '<img class="rnnfig-pframe" alt="" width="4" height="3"></div>',
    '<figcaption>b</figcaption></figure>\n</div>\n<script type="application/json">',
    '{"frames":["data:image/svg+xml;base64,F0","data:image/svg+xml;base64,F1"],"sizes":[2]}',
    '</script>\n<script>\n(function () { document.getElementById("rnnfig-0123456789ab"); })();',
    '\n</script>\n</div>'])


def fake_site(tmp_path, pages):
    """A built site's pages: {docname: article HTML}."""
    (tmp_path / "_static").mkdir(parents=True, exist_ok=True)
    (tmp_path / "_static" / "pygments.css").write_text("pre { color: #222; }")
    for docname, article in pages.items():
        path = tmp_path / f"{docname}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        depth = "../" * docname.count("/")
        path.write_text(f'<html><head><link rel="stylesheet" href="{depth}_static/pygments.css">'
                        f'<link rel="stylesheet" href="{depth}_static/styles/'
                        f'pydata-sphinx-theme.css"></head><body>'
                        f'<article class="bd-article">{article}</article></body></html>')
    return tmp_path


def test_print_document_links_inside_the_book_and_fills_in_the_small_multiples(tmp_path):
    site = fake_site(tmp_path, {
        "index": '<section id="top"><h1>Front</h1><a href="chapters/a.html">to a</a></section>',
        "chapters/a": '<section id="a"><h1>A</h1><section id="summary"><h2>Summary</h2>'
                      '<a href="b.html#summary">b\'s summary</a> <a href="#summary">mine</a>'
                      ' <a href="../downloads/rnn-book.pdf">the PDF</a>'
                      ' <a href="https://example.org/">out</a>'
                      '<img src="../_images/fig.png" alt="a figure"></section></section>',
        "chapters/b": f'<section id="b"><h1>B</h1><section id="summary"><h2>Summary</h2>'
                      f'{FIGURE}</section></section>',
    })
    pages = [book_pdf.Page("index", "About this book"), book_pdf.Page("chapters/a", None),
             book_pdf.Page("chapters/b", None)]
    doc, head = book_pdf.print_document(site, pages, "The book")
    # the theme's heavy stylesheet is left out, the others are kept, root-absolute
    assert head == ['<link rel="stylesheet" href="/_static/pygments.css">']
    assert '<h1>About this book</h1>' in doc
    # ids two pages share get the page's prefix; links follow them across pages
    assert 'id="p-chapters-a--summary"' in doc and 'id="p-chapters-b--summary"' in doc
    assert 'href="#p-chapters-b--summary"' in doc and 'href="#p-chapters-a--summary"' in doc
    assert 'href="#p-chapters-a"' in doc and 'id="p-chapters-a"' in doc
    # a file of the site is no link in a PDF; the web stays a link
    assert ' href="../downloads' not in doc
    assert 'data-site-href="../downloads/rnn-book.pdf"' in doc
    assert 'href="https://example.org/"' in doc
    assert 'src="/_images/fig.png"' in doc
    # the slider figure: its printed frame and background filled in, no script, no JSON
    assert ('<img class="rnnfig-pbg" src="data:image/webp;base64,BG"' in doc
            and '<img class="rnnfig-pframe" src="data:image/svg+xml;base64,F1"' in doc)
    assert "application/json" not in doc and "getElementById" not in doc
    # maths typeset once per formula, then copied
    assert book_pdf._share_repeated_maths(
        '<span class="math notranslate nohighlight">\\(x_t\\)</span> <span class="math '
        'notranslate nohighlight">\\(x_t\\)</span>') == (
        '<span class="math notranslate nohighlight" data-maths="0">\\(x_t\\)</span> '
        '<span class="maths-copy" data-of="0"></span>')
    assert book_pdf.plain("1.2 A map: <span>\\(x_t = \\tanh(w\\,x_{t-1})\\)</span>") == (
        "1.2 A map: x_t = tanh(w x_t-1)")
    assert 'class="rnnfig-frame"' not in doc
    # every section heading gets a destination in the PDF (an empty link to it)
    found = book_pdf.section_headings(doc)
    assert [(i, level) for i, level, _ in found] == [
        ("top", 1), ("a", 1), ("p-chapters-a--summary", 2), ("b", 1), ("p-chapters-b--summary", 2)]
    with_front, _ = book_pdf.print_document(site, pages, "The book", author="A", version=VERSION)
    rows = re.findall(r'<li class="level-(\d)"><a href="#([^"]+)">', with_front)
    assert rows == [(str(level), i) for i, level, _ in found]    # the contents link to them
    assert VERSION.line() in with_front and "<h1>Contents" not in with_front


def test_print_document_refuses_a_figure_shown_on_two_pages(tmp_path):
    site = fake_site(tmp_path, {"chapters/a": FIGURE, "chapters/b": FIGURE})
    with pytest.raises(RuntimeError, match="same slider figure"):
        book_pdf.print_document(site, [book_pdf.Page("chapters/a", None),
                                       book_pdf.Page("chapters/b", None)], "x")


def build_pdf(*args, **kwargs):
    """book_pdf.build_pdf in a thread of its own: Playwright's sync API refuses to start
    where another one runs (test_site.py's browser, when one process runs both)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(book_pdf.build_pdf, *args, **kwargs).result()


@pytest.mark.browser
def test_pdf_build_stops_on_an_image_that_does_not_load(tmp_path):
    """The PDF must not go out with a hole where a figure was."""
    if book_pdf.find_chromium() is None:
        pytest.skip("no chromium on PATH")
    from pypdf import PdfReader

    pages = [book_pdf.Page("index", None), book_pdf.Page("chapters/a", None)]
    good = fake_site(tmp_path / "good", {
        "index": '<section id="front"><h1>Front</h1><p>text</p></section>',
        "chapters/a": '<section id="a"><h1>Chapter A</h1><section id="one"><h2>Part one</h2>'
                      '<img src="../_images/fig.png" alt="a figure"></section></section>'})
    (good / "_images").mkdir()
    (good / "_images" / "fig.png").write_bytes(Path(rnn_lib.__file__).parent.joinpath(
        "..", "images", "favicon.png").resolve().read_bytes())
    n = build_pdf(good, pages, tmp_path / "good.pdf", title="T", author="A", version=VERSION)
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "good.pdf").pages)
    assert n == 4 and "Contents" in text and "Part one" in text and VERSION.line() in text
    assert [item.title for item in PdfReader(tmp_path / "good.pdf").outline
            if not isinstance(item, list)] == ["Contents", "Front", "Chapter A"]
    bad = fake_site(tmp_path / "bad", {
        "index": "<h1>Front</h1><p>text</p>",
        "chapters/a": '<h1>A</h1><img src="../_images/missing.png" alt="a missing figure">'})
    with pytest.raises(RuntimeError, match="missing.png"):
        build_pdf(bad, pages, tmp_path / "bad.pdf", title="T", author="A", version=VERSION)
    assert not (tmp_path / "bad.pdf").exists()
