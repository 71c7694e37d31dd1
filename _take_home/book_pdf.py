"""The whole book as one PDF at A4, printed by headless Chromium from the built site.

jupyter-book's ``singlehtml`` and ``pdfhtml`` builders fail on the book's hidden cells
(FIELD_NOTES), so the pages' articles, as built, go into one print document, in the
order of the table of contents: links between pages become links inside the PDF, ids
that two pages share get a prefix, exercises' solutions are opened, and every slider
figure shows the small multiple of frames that its print style already makes
(``rnn_lib/templates/static_face.css``), filled in here instead of by its script.

One pass: a cover and the contents come first, each row a link to its section, so that
Chromium gives every section a named destination, which says where it landed. pypdf
then writes the contents' page numbers, every page's footer (the book's version; the
body's pages numbered from 1, the front matter i, ii, ...), and the bookmarks.

Chromium reaches nothing but a local server that serves the site; any image that does
not decode, request that fails or script error stops the build. What printing costs,
measured side by side (2026-12-06, a machine shared with other jobs): the theme's own
stylesheet, MathJax's menu and hidden MathML, typesetting each repeated formula again,
a tagged PDF, a second Chromium pass for the contents, and printing two halves side by
side (no faster on two busy cores) each made it slower, so none of them is used (see
``KEEP_CSS``, ``_lean_mathjax``, ``_share_repeated_maths``).
"""
import concurrent.futures
import functools
import html
import http.server
import json
import posixpath
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import NamedTuple

# A4 with room for the footer.
PDF_MARGIN = {"top": "16mm", "bottom": "18mm", "left": "17mm", "right": "17mm"}
# The site's stylesheets that print keeps: Sphinx's basic layout (equation numbers),
# code colours, myst-nb's cells and sphinx-design's dropdowns. The theme's own
# (pydata-sphinx-theme.css, 400 kB with Bootstrap) made Chromium lay out and print the
# book 2.5 times as slowly (side by side, 2 rounds: 36-52 s against 13-19 s), so the
# little of it that print needs is below.
KEEP_CSS = ("styles/theme.css", "pygments.css", "mystnb.", "sphinx-design")
PRINT_CSS = (Path(__file__).with_name("book_print.css")).read_text(encoding="utf-8")


class Page(NamedTuple):
    docname: str            # e.g. "chapters/04_bptt"
    title: str | None       # a title for the PDF instead of the page's own, or None


def _article(page_html):
    start = page_html.find('<article class="bd-article">')
    end = page_html.find("</article>", start)
    if start < 0 or end < 0:
        raise RuntimeError("a built page has no <article class=\"bd-article\">")
    body = page_html[start + len('<article class="bd-article">'):end]
    # Sphinx-thebe's configuration and kernel name: nothing to run in print.
    return re.sub(r"<script[^>]*>(?:(?!</script>).)*?(?:thebe|kernelName)(?:(?!</script>).)*"
                  r"</script>", "", body, flags=re.S)


def _head_links(page_html, folder):
    """The page's stylesheets that print keeps (``KEEP_CSS``) and MathJax (its
    configuration and script), with root-absolute paths on the local server."""
    head = page_html[:page_html.find("</head>")]
    out = [_absolute(tag, folder)
           for tag in re.findall(r'<link[^>]+rel="stylesheet"[^>]*>', head)
           if any(f"_static/{name}" in tag for name in KEEP_CSS)]
    out += [_lean_mathjax(config)
            for config in re.findall(r"<script>window\.MathJax = (.*?)</script>", head, re.S)]
    out += [_absolute(tag, folder)
            for tag in re.findall(r'<script[^>]+src="[^"]*mathjax[^"]*"[^>]*></script>', head)]
    return out


def _lean_mathjax(config):
    """The site's MathJax configuration without the right-click menu and the hidden
    MathML for screen readers, which a PDF cannot use: a third fewer elements, and
    typesetting and printing took about half as long (side by side, 2 rounds)."""
    config = json.loads(config)
    config.setdefault("options", {})["renderActions"] = {"addMenu": [], "assistiveMml": []}
    return f"<script>window.MathJax = {json.dumps(config)}</script>"


def _absolute(fragment, folder):
    """The relative src/href attributes of a page in ``folder`` (of the site), made
    root-absolute: the pages' parts then resolve from one document."""
    def fix(m):
        attr, url = m.group(1), m.group(2)
        if not url or re.match(r"[a-z][a-z0-9+.-]*:|#|/", url):
            return m.group(0)
        return f'{attr}="/{posixpath.normpath(posixpath.join(folder, url))}"'
    return re.sub(r'(?<![\w-])(src|href)="([^"]*)"', fix, fragment)


def _page_key(docname):
    return "p-" + re.sub(r"[^A-Za-z0-9_-]", "-", docname)


FIGURE = re.compile(r'<div class="rnnfig" id="(rnnfig-[0-9a-f]+)">(.*?)'
                    r'<script type="application/json">(.*?)</script>\s*<script>.*?</script>',
                    re.S)


def _flatten_figures(body):
    """Each slider figure as print shows it: its small multiple with the frames filled in
    (what the figure's script does on the website), without the JSON of every other
    frame, the script and the screen's images. A chapter's HTML shrinks to a fraction,
    and Chromium loads it in as much less time."""
    def flatten(m):
        uid, inner, meta = m.group(1), m.group(2), json.loads(m.group(3).replace("<\\/", "</"))
        bg = re.search(r'<img class="rnnfig-bg" src="([^"]*)"', inner)

        def cell(c):
            frame = meta["frames"][int(c.group(1))]
            out = c.group(0).replace('<img class="rnnfig-pframe"',
                                     f'<img class="rnnfig-pframe" src="{html.escape(frame)}"')
            if bg:
                out = out.replace('<img class="rnnfig-pbg"',
                                  f'<img class="rnnfig-pbg" src="{bg.group(1)}"')
            return out
        inner = re.sub(r'<figure class="rnnfig-cell" data-k="(\d+)">.*?</figure>', cell, inner,
                       flags=re.S)
        inner = re.sub(r'<img class="rnnfig-(?:bg|frame)"[^>]*>', "", inner)
        return f'<div class="rnnfig" id="{uid}">{inner}'
    return FIGURE.sub(flatten, body)


def print_document(html_dir, pages, title, *, author=None, version=None):
    """The book as one HTML document to print, and its head (stylesheets, MathJax).

    Each page's article keeps its HTML, in a section of its own; ids that two pages
    share ("summary", "exercises") get the page's key as a prefix; links between pages
    become links inside the document; links to other files of the site (which a PDF
    cannot follow) lose their target; solutions are opened. With ``version``, a cover
    and the contents come first: a row per h1 and h2, each a link to its section, so
    that Chromium gives every section a named destination (where it landed); the page
    numbers are written in afterwards (``_write_page_numbers``).
    """
    html_dir = Path(html_dir)
    docnames = {p.docname for p in pages}
    articles, seen, head = {}, {}, None
    for p in pages:
        text = (html_dir / f"{p.docname}.html").read_text(encoding="utf-8")
        if head is None:
            head = _head_links(text, posixpath.dirname(p.docname))
        articles[p.docname] = _flatten_figures(_article(text))
        for i in set(re.findall(r'\bid="([^"]+)"', articles[p.docname])):
            seen.setdefault(i, set()).add(p.docname)
    shared = {i for i, where in seen.items() if len(where) > 1}
    if any(i.startswith("rnnfig-") for i in shared):    # their scripts and styles use the id
        raise RuntimeError(f"two pages hold the same slider figure: {sorted(shared)}")

    def target(doc, fragment):
        if not fragment:
            return f"#{_page_key(doc)}"
        return f"#{_page_key(doc)}--{fragment}" if fragment in shared else f"#{fragment}"

    bodies = []
    for p in pages:
        body, folder = articles[p.docname], posixpath.dirname(p.docname)

        def rename(m, doc=p.docname):
            if m.group(2) not in shared:
                return m.group(0)
            return f'{m.group(1)}="{_page_key(doc)}--{m.group(2)}"'

        def link(m, doc=p.docname, folder=folder):
            url = html.unescape(m.group(1))
            if url.startswith("#"):
                return f'href="{html.escape(target(doc, url[1:]))}"'
            if re.match(r"[a-z][a-z0-9+.-]*:", url):         # http:, mailto:
                return m.group(0)
            path, _, fragment = url.partition("#")
            other = posixpath.normpath(posixpath.join(folder, path))
            if other.endswith(".html") and other[:-5] in docnames:
                return f'href="{html.escape(target(other[:-5], fragment))}"'
            return f'data-site-href="{html.escape(url)}"'    # no link in the PDF

        body = re.sub(r'\b(id|for|aria-labelledby|aria-describedby|aria-controls)="([^"]+)"',
                      rename, body)
        body = re.sub(r'(?<![\w-])href="([^"]*)"', link, body)
        body = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", body, flags=re.S)
        body = re.sub(r"<details\b(?![^>]*\bopen\b)", "<details open", body)
        if p.title is not None:
            body = re.sub(r"(<h1\b[^>]*>).*?(</h1>)",
                          lambda m, t=p.title: m.group(1) + html.escape(t) + m.group(2),
                          body, count=1, flags=re.S)
        body = _absolute(body, folder)
        bodies.append(f'<section class="book-page" id="{_page_key(p.docname)}">\n'
                      f"{body}\n</section>")
    body = "\n".join(bodies)
    front = "" if version is None else front_matter(title, author, version,
                                                    section_headings(body))
    return _document(head, front + _share_repeated_maths(body), title), head


def _share_repeated_maths(body):
    """Inline maths that the book repeats ($x_t$ 49 times, $W_{xx}$ 44 times: 1844
    formulas, 750 different) is typeset once; ``COPY_MATHS`` copies the result into the
    other places once MathJax has run. Typesetting took about half as long."""
    first = {}

    def mark(m):
        tex = m.group(1)
        if tex not in first:
            first[tex] = len(first)
            return (f'<span class="math notranslate nohighlight" data-maths="{first[tex]}">'
                    f"{tex}</span>")
        return f'<span class="maths-copy" data-of="{first[tex]}"></span>'
    return re.sub(r'<span class="math notranslate nohighlight">(.*?)</span>', mark, body,
                  flags=re.S)


def section_headings(document):
    """(section id, level, inner HTML) of every h1/h2 that opens a section (after the
    targets of labels, if any), in order."""
    return [(i, int(level), inner.strip()) for i, level, inner in re.findall(
        r'<section\b[^>]*\bid="([^"]+)"[^>]*>\s*(?:<span id="[^"]*"></span>\s*)*'
        r"<h([12])\b[^>]*>(.*?)</h\2>", document, re.S)]


def _document(head, body, title):
    return ("<!DOCTYPE html>\n<html lang=\"en\" data-mode=\"light\" data-theme=\"light\">"
            f"<head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>\n"
            + "\n".join(head or [])
            + f"\n<style>{PRINT_CSS}</style></head>\n<body><article class=\"bd-article\">\n"
            f"{body}\n</article></body></html>\n")


def front_matter(title, author, version, headings):
    """The cover and the contents: a row per heading, a link to its section, with room
    for its page number."""
    rows = "\n".join(
        f'<li class="level-{level}"><a href="#{html.escape(i)}"><span class="title">'
        f'{inner}</span><span class="leader"></span><span class="page"></span></a></li>'
        for i, level, inner in headings)
    return (f'<section class="book-cover"><p class="book-title">{html.escape(title)}</p>'
            f'<p class="author">{html.escape(author)}</p>'
            f'<p class="version">{html.escape(version.line())}</p></section>\n'
            f'<section class="book-contents"><p class="book-title">Contents</p><ol>\n{rows}\n'
            "</ol></section>\n")


class _Server:
    """The built site on 127.0.0.1 at a free port, plus documents served from memory
    (``docs``: path -> HTML), so that nothing is written into the site."""

    def __init__(self, html_dir):
        self.docs = docs = {}

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                body = docs.get(self.path.split("?")[0])
                if body is None:
                    return super().do_GET()
                data = body.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        handler = functools.partial(Handler, directory=str(html_dir))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


READY = """async () => {
  if (window.MathJax && MathJax.startup) { await MathJax.startup.promise; }
  // COPY_MATHS: each repeated formula takes a copy of its typeset first occurrence
  for (const copy of document.querySelectorAll('.maths-copy')) {
    const done = document.querySelector(`[data-maths="${copy.dataset.of}"] mjx-container`);
    if (done) { copy.appendChild(done.cloneNode(true)); }
  }
  await document.fonts.ready;
  const imgs = [...document.images];
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  return imgs.filter(i => !(i.naturalWidth > 0)).map(i => (i.getAttribute('src') || '')
      .slice(0, 80));
}"""

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               # nothing but the local server: no host name resolves
               "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def find_chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _destinations(reader):
    """{name: 0-based page} of the PDF's named destinations."""
    return {name.lstrip("/"): reader.get_destination_page_number(dest)
            for name, dest in reader.named_destinations.items()}


def plain(inner):
    """A heading's HTML as plain text for the PDF's outline (TeX simplified)."""
    text = html.unescape(re.sub(r"<[^>]+>", "", inner))
    text = re.sub(r"\\[()]", "", text)
    text = re.sub(r"\\(?:text|mathrm|operatorname)\{([^}]*)\}", r"\1", text)
    text = re.sub(r"\\[,;! ]", " ", text)
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    return re.sub(r"\s+", " ", text.replace("{", "").replace("}", "")).strip()


def _stamp(writer, page, texts):
    """Write ``texts`` -- (x, baseline, text, font size, bold) in points, x the right end
    when negative -- onto ``page`` in Helvetica, a PDF's standard font (nothing
    embedded). Chromium's footer cannot number the body from 1 after the front matter."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    def font(name):
        return DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject(name),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
    ops = [b"q 0.2 g"]
    for x, y, text, size, bold in texts:
        raw = text.encode("cp1252", "replace")
        if x < 0:                                   # right-aligned: Helvetica's digits
            x = -x - 0.556 * size * len(raw)
        raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(b"BT /%s %g Tf %g %g Td (%s) Tj ET"
                   % (b"FBookB" if bold else b"FBook", size, x, y, raw))
    ops.append(b"Q")
    resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
    fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
    fonts[NameObject("/FBook")] = font("/Helvetica")
    fonts[NameObject("/FBookB")] = font("/Helvetica-Bold")
    streams = []
    for data in (b"q\n", b"\nQ\n" + b"\n".join(ops)):   # the page's own drawing kept apart
        stream = DecodedStreamObject()
        stream.set_data(data)
        streams.append(writer._add_object(stream))
    old = page.get("/Contents")
    old = [] if old is None else (list(old.get_object())
                                  if isinstance(old.get_object(), list) else [old])
    page[NameObject("/Contents")] = ArrayObject([streams[0], *old, streams[1]])


FOOTER_SIZE, MARGIN_PT, FOOTER_BASELINE = 7.5, 48.2, 22.7      # 17 mm margins, 8 mm up


def _finish(reader, out_path, *, title, author, version, headings):
    """The printed PDF with its page numbers: the contents' (from each row's link to
    its section) and every page's footer (the book, its version and, from the first
    page of the body on, its number), then bookmarks, page labels and metadata."""
    from pypdf import PdfWriter

    dests = _destinations(reader)
    missing = [i for i, _, _ in headings if i not in dests]
    if missing:
        raise RuntimeError(f"the PDF has no destination for the sections {missing[:5]}")
    first = dests[headings[0][0]]                          # the body's first page
    level = {i: lv for i, lv, _ in headings}
    writer = PdfWriter()
    writer.append(reader, import_outline=False)
    left = f"{title} \u00b7 {version.line()}"
    for n, page in enumerate(writer.pages):
        texts = [(MARGIN_PT, FOOTER_BASELINE, left, FOOTER_SIZE, False)]
        if n >= first:
            texts.append((-(float(page.mediabox.width) - MARGIN_PT), FOOTER_BASELINE,
                          str(n - first + 1), FOOTER_SIZE, False))
        else:                                              # a contents page: its numbers
            for annot in page.get("/Annots") or []:
                annot = annot.get_object()
                name = str(annot.get("/Dest", "")).lstrip("/")
                if name in dests and name in level:
                    x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
                    size = 10.0 if level[name] == 1 else 9.2
                    texts.append((-x2, y1 + (y2 - y1 - size) / 2 + 0.2 * size,
                                  str(dests[name] - first + 1), size, level[name] == 1))
        _stamp(writer, page, texts)
    writer.set_page_label(0, first - 1, style="/r")
    writer.set_page_label(first, len(writer.pages) - 1, style="/D", start=1)
    writer.add_outline_item(title="Contents", page_number=1 if first > 1 else 0)
    chapter = None
    for i, lv, inner in headings:
        item = writer.add_outline_item(title=plain(inner), page_number=dests[i],
                                       parent=None if lv == 1 else chapter)
        chapter = item if lv == 1 else chapter
    writer.add_metadata({"/Title": title, "/Author": author, "/Subject": version.line()})
    part = out_path.with_suffix(".pdf.part")
    with open(part, "wb") as f:
        writer.write(f)
    part.replace(out_path)
    return len(writer.pages)


def build_pdf(html_dir, pages, out_path, *, title, author, version, chromium=None):
    """Print the built book to ``out_path`` (A4); returns its number of pages."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    chromium = chromium or find_chromium()
    if not chromium:
        raise RuntimeError("no chromium (or chromium-browser) on PATH to print the PDF")
    html_dir, out_path = Path(html_dir), Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rnn-pdf-") as tmp, _Server(html_dir) as server, \
            sync_playwright() as p, concurrent.futures.ThreadPoolExecutor(1) as pool:
        # The document is made while Chromium starts.
        made = pool.submit(print_document, html_dir, pages, title, author=author,
                           version=version)
        browser = p.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            document, _ = made.result()
            server.docs["/__book__.html"] = document
            printed = Path(tmp) / "book.pdf"
            _print(page, server.origin + "/__book__.html", printed)
        finally:
            browser.close()
        return _finish(PdfReader(printed), out_path, title=title, author=author,
                       version=version, headings=section_headings(document))


def _print(page, url, path):
    """Print one served document to ``path`` at A4; fail on anything that did not load."""
    failed = []
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: failed.append(f"HTTP {r.status} {r.url}")
            if r.status >= 400 else None)
    page.on("pageerror", lambda e: failed.append(f"page error: {e}"))
    page.goto(url, wait_until="load", timeout=300_000)
    broken = page.evaluate(READY)
    if broken or failed:
        raise RuntimeError(f"printing {url}: images that do not decode {broken}, "
                           f"failures {failed}")
    page.pdf(path=str(path), format="A4", margin=PDF_MARGIN, print_background=True)
