"""The built website in a real browser: every page loads cleanly, offline, with its
math typeset and every slider figure answering the keyboard.

Headless Chromium (the system's ``chromium``, driven by the Python ``playwright``
package) opens each page of the book from a local HTTP server and checks that

- nothing goes wrong: no console error or warning, no uncaught JavaScript error,
  no failed or unfinished request, no HTTP status >= 400;
- nothing leaves the machine: every request goes to the local server (``data:``
  URLs aside), so the site works offline (e.g. MathJax comes from ``_static/``);
- math is typeset: a page with ``.math`` elements shows MathJax output
  (``mjx-container``) in every one of them, no TeX error and no undefined macro
  (which MathJax shows as red text, e.g. ``\\R`` if the book's macros were lost);
- every slider of every ``.rnnfig`` figure works from the keyboard: focusing the
  range input and pressing End (or Home, when already at the end) changes the image
  (which must decode), its alt text and the ``<output>`` text (and the input's
  ``aria-valuetext`` with it); setting the value back restores all of them.

- it is accessible: axe-core (the npm package, ``npm ci`` installs it into
  ``node_modules/``), injected into every page, finds no serious or critical
  violation of WCAG 2.1 A/AA; every image of the text has alt text that says what
  it shows (not a file name), and every slider's label is tied to its input;
- it fits a classroom projector: at 1024x768 no page scrolls sideways and every
  figure fits the width (a screenshot of each page at that size is taken);
- it prints: under ``@media print`` every slider figure hides its controls and
  shows a small multiple of frames whose images decode;
- every link resolves: each local link of a page (its text, its navigation and its
  download menu, with the PDF, the runnable zip and the wheel) answers with a status
  below 400.

Without a browser, the build is still checked: it serves the take-home files
(``_take_home/downloads.py``; the PDF only where Chromium and a Korean font are installed,
and then no page links to one), and every page's footer says which version of the book
it is. The PDF is read with pypdf: its contents lead to every page's title on the page
it names, every page shows the version, its maths is typeset (no TeX left in its text)
and it holds at least as many pictures as the pages' raster images.

With ``RNN_BOOK_SCREENSHOTS=<folder>`` the screenshots are kept there (full pages at
1280x900, and at 1024x768), to look at by eye.

The browser is found on PATH (``chromium`` or ``chromium-browser``); Playwright's
own browser downloads are not used. Without a browser the tests are skipped, except
under CI (``CI=true``), where they fail. ``.ci/install-browser`` installs one.
"""
import functools
import html as html_mod
import http.server
import importlib
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest

import rnn_lib
from conftest import CHAPTERS, ROOT

pytestmark = [pytest.mark.build, pytest.mark.browser]

IN_CI = os.environ.get("CI") == "true"
INSTALL_HINT = ("install it with: apt-get update && apt-get install -y chromium "
                "(or run .ci/install-browser)")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               # No host name resolves: a request that would leave the machine fails at
               # once (and is reported below) instead of waiting for, or using, the network.
               "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
VIEWPORT = {"width": 1280, "height": 900}
SMALL_VIEWPORT = {"width": 1024, "height": 768}
TIMEOUT_MS = 30_000
# Loading a chapter (about 1 MB of HTML with every slider frame inline) took over 30 s
# when pytest -n auto ran notebooks on the other CPU; loading is checked, not timed
# (benchmarks/ measures page weight).
LOAD_TIMEOUT_MS = 120_000


def test_book_builds_with_no_warning_and_every_chapter_in_the_navigation(built_book):
    proc, html = built_book
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-5000:]
    # Sphinx and myst-nb report as "WARNING:" / "ERROR:"; ipykernel's own
    # "[IPKernelApp] WARNING | Kernel is running over TCP" is about the kernel's
    # transport on this machine, not the book.
    problems = re.findall(r".*\b(?:WARNING|ERROR|CRITICAL):.*", log)
    assert not problems, "\n".join(problems)
    index = (html / "index.html").read_text(encoding="utf-8")
    for name in CHAPTERS:
        page = html / "chapters" / f"{name}.html"
        assert page.exists(), f"{page} was not built"
        assert f"chapters/{name}.html" in index, f"{name} missing from the navigation"
    # Every notebook chapter executed: its figures are in the page.
    for name in CHAPTERS[1:]:
        text = (html / "chapters" / f"{name}.html").read_text(encoding="utf-8")
        assert "<img" in text or "data:image" in text, f"{name} shows no figure"


def page_bytes(html_dir, page):
    """A page's own bytes: its HTML plus the local images it references, not _static/."""
    text = page.read_text(encoding="utf-8")
    total = page.stat().st_size
    for src in set(re.findall(r'<img[^>]+src="([^"]+)"', text)):
        if src.startswith("data:") or "_static/" in src or "://" in src:
            continue
        total += (page.parent / src).resolve().stat().st_size
    return total


def test_every_chapter_page_stays_within_its_byte_budget(built_book):
    _, html = built_book
    for name in CHAPTERS:
        size = page_bytes(html, html / "chapters" / f"{name}.html")
        assert size <= 2_000_000, f"{name}: {size} bytes, over the 2 MB budget of a page"


def _downloads_module():
    import downloads  # _take_home/ (on sys.path from conftest)
    return downloads


def test_site_serves_the_take_home_files(built_book):
    """The wheel and the zip always; the PDF where this machine can print it."""
    import zipfile

    _, html = built_book
    downloads = _downloads_module()
    names = downloads.take_home.book_version(ROOT).names()
    expected = {names["zip"], names["wheel"]}
    if downloads.pdf_missing() is None:
        expected.add(names["pdf"])
    found = {p.name for p in (html / "downloads").iterdir()}
    assert found == expected, f"downloads/ holds {sorted(found)}, expected {sorted(expected)}"
    for name in (names["zip"], names["wheel"]):
        with zipfile.ZipFile(html / "downloads" / name) as z:
            assert z.testzip() is None and len(z.namelist()) > 20, name
    index = (html / "index.html").read_text(encoding="utf-8")
    for kind, name in names.items():      # the front page links to what was built
        assert (f'href="downloads/{name}"' in index) == (name in expected), kind


def test_every_page_says_which_version_of_the_book_it_is(built_book):
    _, html = built_book
    for rel in PAGES:
        text = (html / rel).read_text(encoding="utf-8")
        assert re.search(rf'<p class="book-version">Version {re.escape(rnn_lib.__version__)}, '
                         r"built \d{4}-\d\d-\d\d( from commit [0-9a-f]{7,})?", text), rel


@pytest.fixture(scope="session")
def book_pdf_file(built_book):
    _, html = built_book
    downloads = _downloads_module()
    why = downloads.pdf_missing()
    if why:
        _unavailable(f"no PDF in this build: {why}; {INSTALL_HINT}")
    return html / "downloads" / downloads.take_home.book_version(ROOT).names()["pdf"]


@pytest.fixture(scope="session")
def book_pdf_pages(book_pdf_file):
    """The PDF read once: its reader and every page's text."""
    from pypdf import PdfReader

    reader = PdfReader(book_pdf_file)
    return reader, [page.extract_text() for page in reader.pages]


def _page_title(html_dir, rel):
    text = (html_dir / rel).read_text(encoding="utf-8")
    return html_mod.unescape(re.search(r"<title>(.*?) &#8212;", text, re.S).group(1)).strip()


def _numbers_drawn(page):
    """(x, y, text) of the page numbers written in Helvetica (the contents' and footers')."""
    found = []

    def visit(text, cm, tm, font, size):
        if font and "Helvetica" in str(font.get("/BaseFont", "")) and text.strip().isdigit():
            found.append((float(tm[4]), float(tm[5]), text.strip()))
    page.extract_text(visitor_text=visit)
    return found


def test_pdf_leads_from_its_contents_to_every_page_and_shows_the_version(built_book,
                                                                        book_pdf_pages):
    _, html = built_book
    reader, texts = book_pdf_pages
    labels = reader.page_labels
    line = _downloads_module().take_home.book_version(ROOT).line()
    missing = [labels[i] for i, text in enumerate(texts) if line not in text]
    assert not missing, f"pages without the version line ({line!r}): {missing}"
    assert labels[:2] == ["i", "ii"] and "1" in labels, labels[:6]
    first = labels.index("1")
    assert "Contents" in "".join(texts[:first]) and line in texts[0]
    book = re.search(r'^title:\s*"(.*)"', (ROOT / "_config.yml").read_text(), re.M).group(1)
    flat = [" ".join(text.split()) for text in texts]   # long titles wrap onto two lines
    assert flat[0].startswith(book) and all(book in text for text in flat), book
    # the bookmarks name every page of the book, and lead to the page that has its title
    titles = [_downloads_module().ROOT_TITLE] + [_page_title(html, rel) for rel in PAGES[1:]]
    marks = [item for item in reader.outline if not isinstance(item, list)]
    assert [m.title for m in marks[1:]] == titles
    for mark in marks[1:]:
        assert mark.title in flat[reader.get_destination_page_number(mark)], mark.title
    # each row of the contents links to its section and shows that section's page number
    pages = {name.lstrip("/"): reader.get_destination_page_number(d)
             for name, d in reader.named_destinations.items()}
    rows = 0
    for n in range(first):
        drawn = _numbers_drawn(reader.pages[n])
        for annot in reader.pages[n].get("/Annots") or []:
            annot = annot.get_object()
            name = str(annot.get("/Dest", "")).lstrip("/")
            if name not in pages:
                continue
            x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
            shown = [text for x, y, text in drawn if y1 <= y <= y2 and x1 <= x <= x2]
            assert shown == [labels[pages[name]]], (name, shown, labels[pages[name]])
            rows += 1
    assert rows >= len(PAGES) * 3, rows
    for n in range(first, len(texts)):                  # every body page's footer: its number
        assert [t for x, y, t in _numbers_drawn(reader.pages[n]) if y < 40] == [labels[n]]
    # every link inside the PDF leads somewhere
    dests = [annot.get_object().get("/Dest") for page in reader.pages
             for annot in page.get("/Annots") or []]
    broken = [d for d in dests if isinstance(d, str) and d.lstrip("/") not in pages]
    assert len(dests) > 100 and not broken, f"{len(broken)} links lead nowhere: {broken[:5]}"


TEX_LEFT = re.compile(r"\$|\\[()\[\]]|\\(?:frac|sum|mathbb|sigma|partial|tanh|left|right|"
                      r"begin|end|text|mathrm|top|cdot|quad|lambda|theta|alpha|in)\b")


def test_pdf_has_typeset_maths_and_every_picture(built_book, book_pdf_pages):

    _, html = built_book
    reader, texts = book_pdf_pages
    text = "\n".join(texts)
    raw = sorted(set(TEX_LEFT.findall(text)))
    assert not raw, f"TeX left untypeset in the PDF: {raw}"

    def images(xobjects, seen):
        n = 0
        for ref in (xobjects or {}).values():
            obj = ref.get_object()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if obj.get("/Subtype") == "/Image":
                n += 1
            elif obj.get("/Subtype") == "/Form":
                n += images(obj.get("/Resources", {}).get("/XObject"), seen)
        return n

    seen = set()
    drawn = sum(images(p.get("/Resources", {}).get("/XObject"), seen) for p in reader.pages)
    import book_pdf  # _take_home/ (on sys.path from conftest)

    pages = [book_pdf.Page(rel[:-5], None) for rel in PAGES]
    document, _ = book_pdf.print_document(html, pages, "book")
    raster = len(set(re.findall(r'<img[^>]+src="(data:image/(?:png|webp|jpeg)[^"]*|/_images/'
                                r'[^"]*\.(?:png|jpe?g|webp))"', document)))
    assert raster > 10 and drawn >= raster, f"{drawn} images in the PDF, {raster} in the book"


def _toc_pages():
    """Pages in the navigation, as paths relative to the html folder, in book order."""
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    root = re.search(r"^root:\s*(\S+)", toc, re.M).group(1)
    files = re.findall(r"file:\s*(\S+)", toc)
    return [f"{name}.html" for name in [root, *files]]


PAGES = _toc_pages()


def _unavailable(message):
    if IN_CI:
        pytest.fail(f"{message} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


# -- fixtures -----------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium_path():
    """The system Chromium; checked before the (slow) book build is started."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        _unavailable(f"no chromium (or chromium-browser) on PATH; {INSTALL_HINT}")
    try:
        importlib.import_module("playwright.sync_api")
    except ImportError as exc:
        _unavailable(f"the Python package playwright cannot be imported ({exc}); "
                     f"install the project's requirements")
    return path


@pytest.fixture(scope="session")
def site(chromium_path, built_book):
    """The built html folder served on 127.0.0.1 at a free port; yields (origin, html_dir)."""
    _proc, html_dir = built_book
    if not (html_dir / "index.html").exists():
        pytest.fail(f"the book build produced no {html_dir / 'index.html'}; "
                    f"see the build test above for the log", pytrace=False)

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="book-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", html_dir
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for every page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    folder = os.environ.get("RNN_BOOK_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


# -- what happens on a page ---------------------------------------------------------
class PageWatch:
    """Records, from the moment a page is opened, everything that must not happen."""

    def __init__(self, page, origin):
        self.page = page
        self.origin = origin.rstrip("/") + "/"
        self.console, self.page_errors, self.failed = [], [], []
        self.bad_status, self.foreign = [], []
        self.pending = []
        self.inflight, self.last_activity = set(), time.monotonic()
        page.on("console", self._on_console)
        page.on("pageerror", self._on_pageerror)
        page.on("request", self._on_request)
        page.on("requestfinished", self._done)
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)

    def settle(self, quiet=0.5, timeout=15.0):
        """Wait until no request has been in flight for ``quiet`` seconds.

        (Playwright's own "networkidle" state, once lost to a later request, can fail
        to come back, so in-flight requests are counted here.)
        """
        deadline = time.monotonic() + timeout
        while self.inflight or time.monotonic() - self.last_activity < quiet:
            if time.monotonic() > deadline:
                self.pending += sorted(r.url for r in self.inflight)
                return
            self.page.wait_for_timeout(50)                # lets Playwright deliver events

    def _local(self, url):
        return url.startswith(self.origin) or url.startswith("data:")

    def _on_console(self, msg):
        if msg.type in ("error", "warning"):
            loc = msg.location or {}
            where = f" [{loc.get('url', '')}:{loc.get('lineNumber', '')}]" if loc.get("url") else ""
            self.console.append(f"console.{msg.type}: {msg.text}{where}")

    def _on_pageerror(self, exc):
        at = [ln.strip() for ln in (getattr(exc, "stack", "") or "").splitlines()
              if ln.strip().startswith("at ")]
        self.page_errors.append(
            f"{getattr(exc, 'name', '') or 'Error'}: {getattr(exc, 'message', exc)}"
            + (f" ({at[0]})" if at else ""))

    def _on_request(self, request):
        self.last_activity = time.monotonic()
        if not request.url.startswith("data:"):
            self.inflight.add(request)
        if not self._local(request.url):
            self.foreign.append(f"{request.method} {request.url} ({request.resource_type})")

    def _done(self, request):
        self.last_activity = time.monotonic()
        self.inflight.discard(request)

    def _on_failed(self, request):
        self._done(request)
        if self._local(request.url):                      # foreign ones: listed already
            self.failed.append(f"{request.url}: {request.failure}")

    def _on_response(self, response):
        if response.status >= 400:
            self.bad_status.append(f"HTTP {response.status} {response.url}")

    def problems(self):
        out = []
        for title, items in [("console errors/warnings", self.console),
                             ("uncaught JavaScript errors", self.page_errors),
                             ("failed requests", self.failed),
                             ("responses with status >= 400", self.bad_status),
                             ("requests that leave the local server", self.foreign),
                             ("requests still unfinished after 15 s", self.pending)]:
            if items:
                out.append(f"{title}:\n" + "\n".join(f"  - {i[:500]}" for i in items))
        return out


def wait_for_mathjax(page):
    page.wait_for_function(
        "() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise)",
        timeout=TIMEOUT_MS)
    page.evaluate("() => window.MathJax && window.MathJax.startup"
                  " ? window.MathJax.startup.promise.then(() => true) : false")


MATH_STATE = r"""() => {
  const text = e => e.textContent.replace(/\s+/g, ' ').trim().slice(0, 120);
  // TeX that MathJax could not handle: an error node, or an undefined macro, which
  // MathJax 3 shows as red text (e.g. \\R when the book's macros were not loaded).
  const bad = [];
  const mj = window.MathJax && window.MathJax.startup;
  if (mj && mj.document && mj.toMML) {
    for (const item of mj.document.math) {
      const mml = mj.toMML(item.root);
      const undef = mml.match(/<mtext[^>]*mathcolor="red"[^>]*>\\[A-Za-z]+<\/mtext>/g);
      if (/<merror/.test(mml) || undef)
        bad.push(String(item.math).slice(0, 120) + (undef ? '  (undefined: ' +
            undef.map(u => u.replace(/<[^>]+>/g, '')).join(' ') + ')' : '  (error)'));
    }
  }
  return {
    math: document.querySelectorAll('.math').length,
    mjx: document.querySelectorAll('mjx-container').length,
    untypeset: [...document.querySelectorAll('.math:not(:has(mjx-container))')].map(text),
    errors: bad.concat([...document.querySelectorAll('mjx-merror')].map(
        e => (e.getAttribute('data-mjx-error') || 'mjx-merror') + ' in '
             + text(e.closest('.math') || e))),
  };
}"""


def check_math(page):
    state = page.evaluate(MATH_STATE)
    out = []
    if state["math"]:
        if not state["mjx"]:
            out.append(f"{state['math']} .math elements but no mjx-container: MathJax did not run")
        if state["untypeset"]:
            out.append("math left as raw TeX:\n"
                       + "\n".join(f"  - {t}" for t in state["untypeset"]))
        if state["errors"]:
            out.append("TeX that MathJax could not typeset:\n"
                       + "\n".join(f"  - {t}" for t in state["errors"]))
    return out


# The figure's state as a reader sees it. The picture that the sliders swap is
# img.rnnfig-frame (drawn over an optional still img.rnnfig-bg), or the figure's only
# <img>; every image has to decode, not just be set.
FIGURE_STATE = """async (input) => {
  const fig = input.closest('.rnnfig'), imgs = [...fig.querySelectorAll('img')];
  const img = fig.querySelector('img.rnnfig-frame') || imgs[0];
  const out = fig.querySelector('#' + CSS.escape(input.id.replace(/-s(\\d+)$/, '-o$1')))
              || fig.querySelector('output[for="' + CSS.escape(input.id) + '"]');
  const decodes = async i => { try { await i.decode(); } catch (e) { return false; }
                               return i.naturalWidth > 0; };
  const ok = await Promise.all(imgs.map(decodes));
  return {value: input.value, max: input.max, min: input.min, src: img.src, alt: img.alt,
          output: out ? out.textContent : null, valuetext: input.getAttribute('aria-valuetext'),
          undecoded: imgs.filter((i, n) => !ok[n]).map(i => i.className || 'img'),
          focused: document.activeElement === input};
}"""


def check_sliders(page):
    """Move every slider of every .rnnfig by keyboard; return the problems."""
    out = []
    figures = page.locator(".rnnfig")
    for f in range(figures.count()):
        fig = figures.nth(f)
        fig_id = fig.get_attribute("id") or f"#{f}"
        n_img, n_frame = fig.locator("img").count(), fig.locator("img.rnnfig-frame").count()
        if not (n_frame == 1 or (n_frame == 0 and n_img == 1)):
            out.append(f"{fig_id}: has {n_img} <img> of which {n_frame} img.rnnfig-frame; "
                       f"expected one image that the sliders change")
            continue
        inputs = fig.locator("input[type=range]")
        if inputs.count() == 0:
            out.append(f"{fig_id}: has no range input")
        for k in range(inputs.count()):
            rng = inputs.nth(k)
            name = f"{fig_id} slider {rng.get_attribute('id')}"
            before = rng.evaluate(FIGURE_STATE)
            if before["output"] is None:
                out.append(f"{name}: no matching <output>")
                continue
            if before["undecoded"]:
                out.append(f"{name}: images that do not decode: {before['undecoded']}")
            key = "Home" if before["value"] == before["max"] else "End"
            rng.focus()
            page.keyboard.press(key)
            after = rng.evaluate(FIGURE_STATE)
            where = f"{name}, {key} from {before['value']} ({before['output']!r})"
            if not after["focused"]:
                out.append(f"{where}: the input cannot take keyboard focus")
            if after["value"] == before["value"]:
                out.append(f"{where}: the key did not move the slider")
                continue
            for field in ("src", "alt", "output"):
                if after[field] == before[field]:
                    shown = "(same data URI)" if field == "src" else repr(after[field])
                    out.append(f"{where}: {field} did not change {shown}")
            if after["undecoded"]:
                out.append(f"{where}: images that do not decode: {after['undecoded']}")
            if after["valuetext"] != after["output"]:
                out.append(f"{where}: aria-valuetext {after['valuetext']!r} "
                           f"!= output {after['output']!r}")
            # Back to where it was (an input event, as a drag would send).
            rng.fill(before["value"])
            back = rng.evaluate(FIGURE_STATE)
            for field in ("value", "src", "alt", "output"):
                if back[field] != before[field]:
                    out.append(f"{name}: after restoring the value, {field} is "
                               f"{str(back[field])[:80]!r}, was {str(before[field])[:80]!r}")
    return out


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  // preload: false -- axe's own CSS fetch resolves the theme's @import "../basic.css"
  // against the page, not the stylesheet, and asks for a file that does not exist.
  const r = await axe.run(document, {preload: false, runOnly: {type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `[${v.impact}] ${v.id}: ${v.help} -- ` + v.nodes.slice(0, 3)
      .map(n => n.target.join(' ')).join(' | '));
}"""


def check_accessibility(page):
    """axe-core's serious and critical violations, images without real alt text,
    range inputs without a tied label."""
    if not AXE.exists():
        return [f"{AXE} is missing: run `npm ci` in the project folder (package.json "
                f"pins axe-core)"]
    page.add_script_tag(path=str(AXE))
    out = page.evaluate(AXE_RUN)
    out += page.evaluate(r"""() => [...document.querySelectorAll('main img')]
        .filter(i => !i.closest('[aria-hidden="true"]') && !i.classList.contains('rnnfig-bg'))
        .filter(i => { const a = (i.getAttribute('alt') || '').trim();
                       return a.length < 10 || /_images\/|\.(png|jpe?g|svg|webp)$/i.test(a); })
        .map(i => 'image without alt text that says what it shows: alt=' +
                  JSON.stringify(i.getAttribute('alt')) + ' src=' + i.src.slice(0, 60))""")
    out += page.evaluate("""() => [...document.querySelectorAll('input')]
        .filter(i => !(i.labels && i.labels.length) && !i.getAttribute('aria-label'))
        .map(i => 'input without a label: ' + (i.id || i.name || i.type))""")
    return out


def check_projector(page, rel, screenshot_dir):
    """At 1024x768: nothing scrolls sideways, every figure fits; a screenshot is taken."""
    page.set_viewport_size(SMALL_VIEWPORT)
    page.wait_for_timeout(200)
    out = page.evaluate("""() => {
      const w = document.documentElement.clientWidth, bad = [];
      if (document.documentElement.scrollWidth > w + 1)
        bad.push('the page scrolls sideways at 1024 px: ' +
                 document.documentElement.scrollWidth + ' > ' + w);
      for (const i of document.querySelectorAll('main img')) {
        const r = i.getBoundingClientRect();
        if (r.width > 0 && r.right > w + 1)
          bad.push('image wider than the window at 1024 px: ' + i.src.slice(0, 60));
      }
      return bad;
    }""")
    folder = screenshot_dir or Path(tempfile.gettempdir())
    shot = folder / f"{Path(rel).stem}-1024x768.png"
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(shot))
    if not shot.exists() or shot.stat().st_size < 10_000:
        out.append(f"the 1024x768 screenshot {shot} is missing or blank")
    page.set_viewport_size(VIEWPORT)
    return out


PRINT_STATE = """async () => {
  const out = [];
  for (const f of document.querySelectorAll('.rnnfig')) {
    const shown = e => e && getComputedStyle(e).display !== 'none';
    const controls = [...f.querySelectorAll('.rnnfig-control')].filter(shown);
    const grid = f.querySelector('.rnnfig-print');
    if (controls.length) out.push(f.id + ': slider controls still show in print');
    if (!shown(grid)) { out.push(f.id + ': no small multiple of frames in print'); continue; }
    const imgs = [...grid.querySelectorAll('img')];
    const ok = await Promise.all(imgs.map(async i => {
      try { await i.decode(); } catch (e) { return false; } return i.naturalWidth > 0; }));
    if (imgs.length < 2 || ok.includes(false))
      out.push(f.id + ': printed frames missing or not decoding (' + imgs.length + ')');
  }
  return out;
}"""


def check_print(page):
    page.emulate_media(media="print")
    try:
        return page.evaluate(PRINT_STATE)
    finally:
        page.emulate_media(media="screen")


LINKS = """() => [...new Set([...document.querySelectorAll('a[href]')]
    .map(a => a.href.split('#')[0]).filter(h => h.startsWith(location.origin)))]"""
_CHECKED = {}                        # url -> status, so the PDF is fetched once, not per page


def check_links(page):
    """Every local link of the page (the download menu's files too) answers < 400."""
    out = []
    for url in page.evaluate(LINKS):
        if url not in _CHECKED:
            _CHECKED[url] = page.request.head(url, fail_on_status_code=False).status
        if _CHECKED[url] >= 400:
            out.append(f"link to {url}: HTTP {_CHECKED[url]}")
    return out


def open_page(browser, url, origin, viewport=VIEWPORT):
    """A fresh context and page, loaded and settled; returns (context, page, watch)."""
    context = browser.new_context(viewport=viewport, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch = PageWatch(page, origin)
    page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_MS)
    wait_for_mathjax(page)
    watch.settle()                                        # incl. the fonts MathJax asked for
    return context, page, watch


def check_page(browser, origin, rel, screenshot_dir=None):
    """Every check of one page; returns the list of problems (empty when all is well)."""
    context, page, watch = open_page(browser, f"{origin}/{rel}", origin)
    try:
        problems = check_math(page)
        problems += check_sliders(page)
        problems += check_accessibility(page)
        problems += check_print(page)
        problems += check_links(page)
        if screenshot_dir is not None and rel.startswith("chapters/"):
            page.evaluate("() => window.scrollTo(0, 0)")
            page.screenshot(path=str(screenshot_dir / f"{Path(rel).stem}.png"), full_page=True)
        problems += check_projector(page, rel, screenshot_dir)
        watch.settle()                                    # let late requests be recorded
        return watch.problems() + problems
    finally:
        context.close()


# -- tests --------------------------------------------------------------------------
def test_every_built_page_is_in_the_navigation_and_tested(site):
    """The pages tested below are exactly the built pages (search/genindex aside)."""
    _origin, html_dir = site
    built = sorted(["index.html"] + [p.relative_to(html_dir).as_posix()
                                     for p in (html_dir / "chapters").glob("*.html")])
    assert built == sorted(PAGES), f"built pages {built} != navigation {sorted(PAGES)}"


@pytest.mark.parametrize("rel", PAGES)
def test_page_in_browser(rel, site, browser, screenshot_dir):
    origin, _html_dir = site
    problems = check_page(browser, origin, rel, screenshot_dir)
    assert not problems, f"{rel}:\n" + "\n".join(problems)
