"""The book build's take-home files, on the website: the PDF (``book_pdf.py``), the
runnable book as a zip and the library as a wheel (``take_home.py``), in the site's
``downloads/`` folder, and the book's version on every page.

- When the build starts it decides which files it will make, so that no page links to
  a file that is not there: all three, except the PDF when this machine cannot print it
  (no ``chromium`` on PATH, no playwright or pypdf, or no font for the glossary's
  Korean; the log says which) or none with ``RNN_BOOK_DOWNLOADS=0`` (quicker rebuilds
  while writing, and the side-by-side timing of what the files cost).
- ``` {take-home}`pdf` ``` (``zip``, ``wheel``) in a page becomes a link to that file, or
  says why this build has none.
- Every page's download menu (the theme's, top right) gets the three files; its own
  "print this page" stays.
- Every page's footer says which version of the book it is: ``rnn_lib.__version__``,
  the build's date and its git commit (the PDF's footer too).
- When every page is written, the files are made; the PDF only when a page changed (or
  it is missing). A file that fails stops the build.
"""
import concurrent.futures
import importlib.util
import os
import shutil
import subprocess
import time
from html import escape
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

import book_pdf
import take_home

SWITCH = "RNN_BOOK_DOWNLOADS"
FOLDER = "downloads"
KINDS = ("pdf", "zip", "wheel")
MENU = {   # the download menu's entries: text, tooltip, Font Awesome icon
    "pdf": ("whole book .pdf", "The whole book as a PDF, A4", "fas fa-book"),
    "zip": ("runnable book .zip", "The notebooks and rnn_lib, to run in JupyterLab",
            "fas fa-file-zipper"),
    "wheel": ("rnn_lib .whl", "The book's library, to pip install", "fab fa-python"),
}
WHAT = {"pdf": "PDF", "zip": "runnable book", "wheel": "wheel"}
ROOT_TITLE = "About this book"     # the front page's title in the PDF (the cover has the book's)

logger = logging.getLogger(__name__)


class Plan:
    """What this build makes, and why not the rest."""

    def __init__(self, version):
        self.version = version
        self.kinds = []
        self.missing = {}          # kind -> why this build has none
        self.written = 0           # pages written by this build

    def names(self):
        return self.version.names()


def pdf_missing():
    """Why this machine cannot print the PDF, or None when it can."""
    if book_pdf.find_chromium() is None:
        return "no chromium on PATH when the book was built"
    for module in ("playwright", "pypdf"):
        if importlib.util.find_spec(module) is None:
            return f"the Python package {module} was not installed when the book was built"
    if shutil.which("fc-list"):
        fonts = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True,
                               text=True, timeout=60).stdout
        if not fonts.strip():
            return "no font for the glossary's Korean when the book was built"
    return None


def _version(app, config):
    app.take_home = Plan(take_home.book_version(app.srcdir))
    footer = f'<p class="book-version">{escape(app.take_home.version.line())}</p>'
    config.html_theme_options = {**config.html_theme_options, "extra_footer": footer}


def _plan(app):
    plan = app.take_home
    if app.builder.name != "html":
        plan.missing = dict.fromkeys(KINDS, "only the HTML build makes it")
    elif os.environ.get(SWITCH) == "0":
        plan.missing = dict.fromkeys(KINDS, f"this build was made with {SWITCH}=0")
    else:
        plan.kinds = ["zip", "wheel"]
        why = pdf_missing()
        if why:
            plan.missing["pdf"] = why
            logger.info(f"downloads: no PDF in this build: {why} (bash .ci/install-browser "
                        "installs chromium and a Korean font)")
        else:
            plan.kinds.insert(0, "pdf")


def take_home_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{take-home}`pdf` `` (or ``zip``, ``wheel``): a link to that file of the build."""
    kind = text.strip()
    if kind not in KINDS:
        msg = inliner.reporter.error(f"take-home: {kind!r} is not one of {KINDS}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    return [nodes.inline(rawtext, "", classes=["take-home"], kind=kind)], []


def _resolve_links(app, doctree, docname):
    """Each take-home placeholder becomes a link, or a note that the file is missing
    (decided for this build, so a page read by an earlier build is right too)."""
    plan = app.take_home
    for node in list(doctree.findall(nodes.inline)):
        if "take-home" not in node["classes"]:
            continue
        kind, name = node["kind"], plan.names()[node["kind"]]
        if kind in plan.kinds:
            uri = relative_uri(app.builder.get_target_uri(docname), f"{FOLDER}/{name}")
            new = nodes.reference("", "", nodes.literal("", name), refuri=uri,
                                  classes=["take-home"])
        else:
            new = nodes.emphasis("", f"(no {WHAT[kind]} in this build: {plan.missing[kind]})")
        node.replace_self(new)


def _menu(app, pagename, templatename, context, doctree):
    """The theme's download menu (built at priority 501) gets the take-home files."""
    plan = app.take_home
    if doctree is not None:
        plan.written += 1
    group = next((b for b in context.get("header_buttons", [])
                  if b.get("label") == "download-buttons"), None)
    if group is None:
        return
    for button in group["buttons"]:
        if button.get("label") == "download-pdf-button":      # the theme's window.print()
            button.update(text="print this page", tooltip="Print this page or save it as PDF")
    for kind in plan.kinds:
        text, tooltip, icon = MENU[kind]
        group["buttons"].append({
            "type": "link", "url": context["pathto"](f"{FOLDER}/{plan.names()[kind]}", 1),
            "text": text, "tooltip": tooltip, "icon": icon, "label": f"take-home-{kind}"})


def toc_order(env, root):
    """The documents of the book, root first, in the order of its table of contents."""
    out = [root]
    for doc in env.toctree_includes.get(root, []):
        out += toc_order(env, doc)
    return out


def _make(app, exception):
    plan = app.take_home
    if exception is not None or not plan.kinds:
        return
    out, names = Path(app.outdir) / FOLDER, plan.names()
    out.mkdir(exist_ok=True)
    for old in out.iterdir():              # an earlier version's files, a skipped PDF
        if old.name not in {names[k] for k in plan.kinds}:
            old.unlink()
    root, env = Path(app.srcdir), app.env
    docs = toc_order(env, app.config.root_doc)
    notebooks = [str(env.doc2path(d)) for d in docs if str(env.doc2path(d)).endswith(".ipynb")]
    start = time.perf_counter()
    # The wheel (pip in a subprocess) and the zip are made while Chromium prints.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        files = pool.submit(lambda: (take_home.build_wheel(root, out),
                                     take_home.build_bundle(root, out / names["zip"],
                                                            notebooks, plan.version)))
        made = []
        if "pdf" in plan.kinds and (plan.written or not (out / names["pdf"]).exists()):
            pages = [book_pdf.Page(d, ROOT_TITLE if d == app.config.root_doc else None)
                     for d in docs]
            n = book_pdf.build_pdf(app.outdir, pages, out / names["pdf"],
                                   title=app.config.html_title or app.config.project,
                                   author=app.config.author, version=plan.version)
            made.append(f"PDF ({n} pages)")
        files.result()                                   # raises what building them raised
    made = ["wheel", "zip"] + made
    logger.info(f"downloads: {', '.join(made)} in {out} ({time.perf_counter() - start:.1f} s)")


def setup(app):
    app.add_role("take-home", take_home_role)
    app.connect("config-inited", _version)
    app.connect("builder-inited", _plan)
    app.connect("doctree-resolved", _resolve_links)
    app.connect("html-page-context", _menu, priority=502)
    app.connect("build-finished", _make)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
