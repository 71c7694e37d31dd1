"""The whole book as one PDF at A4, printed by headless Chromium from the built site.

jupyter-book's ``singlehtml`` and ``pdfhtml`` builders fail on the book's hidden cells
(FIELD_NOTES), so the pages' articles, as built, go into one print document, in the
order of the table of contents: links between pages become links inside the PDF, ids
that two pages share get a prefix, exercises' solutions are opened, and every slider
figure shows the small multiple of frames that its print style already makes
(``rnn_lib/templates/static_face.css``), filled in here instead of by its script. Two
passes: the body, with the book's version and the page number in every page's footer
and an outline of its headings (a tagged PDF); then the cover and the contents, whose
page numbers come from that outline. pypdf joins the two, numbering the front matter
i, ii, ... and the body from 1.

Chromium reaches nothing but the local server that serves the site; any image that does
not decode, request that fails or script error stops the build.
"""
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
PRINT_CSS = """
@page { size: A4; }
html { font-size: 10pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: white; color: #222; line-height: 1.5;
  font-family: "DejaVu Sans", "Noto Sans", "Helvetica Neue", Arial, "NanumGothic", sans-serif; }
.book-page { break-before: page; }
.book-page:first-child { break-before: auto; }
h1, h2, h3, h4 { font-weight: 600; line-height: 1.25; color: #1a1a1a; break-after: avoid;
  margin: 1.4em 0 .5em; }
h1 { font-size: 2rem; margin-top: 0; font-weight: 500; }
h2 { font-size: 1.45rem; } h3 { font-size: 1.2rem; } h4 { font-size: 1.05rem; }
p, li, dd { orphans: 3; widows: 3; }
p { margin: 0 0 .75em; }
a { color: inherit; text-decoration: none; }
a.reference.external { color: #0a5c8a; }
code, pre, kbd { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; }
code.literal { font-size: .88em; background: #f3f3f3; border: 1px solid #e2e2e2;
  border-radius: 3px; padding: 0 .2em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 8pt; line-height: 1.4;
  margin: 0; padding: .6em .8em; background: #f7f7f7; border-radius: 4px; }
div.cell { margin: .8em 0; }
div.cell_input { border-left: 3px solid #2e7d32; background: #f7f7f7; margin-bottom: .3em; }
div.cell_output pre { background: #fcfcfc; border: 1px solid #eee; }
div.cell_output img { display: block; margin: .3em auto; }
div.cell, div.cell_output, figure, img, table, .math, .admonition, .sd-card {
  break-inside: avoid; }
img { max-width: 100%; height: auto; }
div.math { margin: .6em 0; }
mjx-container[display="true"] { overflow: visible; margin: .4em 0 !important; }
table { border-collapse: collapse; margin: .8em 0; font-size: .92rem; }
th, td { border-bottom: 1px solid #ddd; padding: .3em .6em; text-align: left;
  vertical-align: top; }
th { border-bottom: 2px solid #0a5c8a; }
.admonition { border: 1px solid #ddd; border-left: 4px solid #0a5c8a; border-radius: 0;
  margin: 1em 0; padding: 0 .9em .3em; }
.admonition > .admonition-title { font-weight: 600; margin: 0 -.9em .6em;
  padding: .35em .9em; background: #eef4f8; }
.admonition.tip { border-left-color: #2e7d32; }
.admonition.tip > .admonition-title { background: #e8f3ea; }
.admonition.warning { border-left-color: #c77700; }
.admonition.warning > .admonition-title { background: #fdf1e0; }
.sd-card { border: 1px solid #ddd; border-radius: 4px; margin: 1em 0; }
.sd-card-header { font-weight: 600; background: #f3f3f3; padding: .35em .9em; }
.sd-card-body { padding: .5em .9em; }
dl.glossary dt { font-weight: 600; margin-top: .6em; }
dl.glossary dd { margin: 0 0 .4em 1.5em; }
blockquote { margin: .6em 1.5em; }
/* Solutions print opened, without the website's "show / hide" toggles. */
details > summary { list-style: none; }
details > summary::-webkit-details-marker { display: none; }
details > summary .expanded, details > summary .collapsed,
  .sd-summary-state-marker { display: none !important; }
details.hide { border: 0; padding: 0; margin: 0; }
details.hide > summary::after { content: "Solution"; display: block; font-weight: 600;
  margin: .3em 0; }
.headerlink, .copybtn, .toggle-button { display: none !important; }
/* the cover and the contents */
.book-cover { height: 240mm; display: flex; flex-direction: column;
  justify-content: center; text-align: center; break-after: page; }
.book-cover h1 { font-size: 2.6rem; margin-bottom: .5em; }
.book-cover .author { font-size: 1.2rem; }
.book-cover .version { margin-top: 3em; font-size: .95rem; color: #444; }
.book-contents h1 { font-size: 1.8rem; }
.book-contents ol { list-style: none; padding: 0; margin: 0; }
.book-contents li { display: flex; align-items: baseline; gap: .4em; margin: .15em 0;
  break-inside: avoid; }
.book-contents li .leader { flex: 1 1 auto; border-bottom: 1px dotted #888; }
.book-contents li .page { flex: 0 0 auto; }
.book-contents li.level-1 { font-weight: 600; margin-top: .6em; }
.book-contents li.level-2 { padding-left: 1.8em; font-size: .92rem; }
"""
# Every page's footer: the book and its version (a printed page can be told from the
# website's); the body's pages also their number.
FOOTER = """<div style="font-family: sans-serif; font-size: 7.5pt; color: #555; width: 100%;
  margin: 0 17mm; display: flex; justify-content: space-between;">
  <span>{title} &#183; {version}</span><span class="{number}"></span></div>"""
NO_FOOTER = "<span></span>"


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
    out += re.findall(r"<script>window\.MathJax = .*?</script>", head, re.S)
    out += [_absolute(tag, folder)
            for tag in re.findall(r'<script[^>]+src="[^"]*mathjax[^"]*"[^>]*></script>', head)]
    return out


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


def print_document(html_dir, pages, title):
    """The body of the book as one HTML document, and its head (stylesheets, MathJax).

    Each page's article keeps its HTML, in a section of its own; ids that two pages
    share ("summary", "exercises") get the page's key as a prefix; links between pages
    become links inside the document; links to other files of the site (which a PDF
    cannot follow) lose their target; solutions are opened.
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

    parts = []
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
        parts.append(f'<section class="book-page" id="{_page_key(p.docname)}">\n'
                     f"{body}\n</section>")
    return _document(head, "\n".join(parts), title), head


def _document(head, body, title):
    return ("<!DOCTYPE html>\n<html lang=\"en\" data-mode=\"light\" data-theme=\"light\">"
            f"<head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>\n"
            + "\n".join(head or [])
            + f"\n<style>{PRINT_CSS}</style></head>\n<body><article class=\"bd-article\">\n"
            f"{body}\n</article></body></html>\n")


def front_matter(head, title, author, version, entries):
    """Cover and contents; ``entries`` are (level, heading HTML, page number) in order."""
    rows = "\n".join(
        f'<li class="level-{level}"><span class="title">{text}</span>'
        f'<span class="leader"></span><span class="page">{number}</span></li>'
        for level, text, number in entries)
    body = (f'<section class="book-cover"><h1>{html.escape(title)}</h1>'
            f'<p class="author">{html.escape(author)}</p>'
            f'<p class="version">{html.escape(version.line())}</p></section>\n'
            f'<section class="book-contents"><h1>Contents</h1><ol>\n{rows}\n</ol></section>')
    return _document(head, body, title)


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


def _print(browser, url, path, footer):
    """Print one served document to ``path`` at A4; fail on anything that did not load."""
    page = browser.new_page()
    failed = []
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: failed.append(f"HTTP {r.status} {r.url}")
            if r.status >= 400 else None)
    page.on("pageerror", lambda e: failed.append(f"page error: {e}"))
    try:
        page.goto(url, wait_until="load", timeout=300_000)
        broken = page.evaluate(READY)
        if broken or failed:
            raise RuntimeError(f"printing {url}: images that do not decode {broken}, "
                               f"failures {failed}")
        page.pdf(path=str(path), format="A4", margin=PDF_MARGIN, print_background=True,
                 display_header_footer=True, header_template=NO_FOOTER,
                 footer_template=footer, outline=True, tagged=True)
    finally:
        page.close()


def _outline(reader):
    """(level, 0-based page) of every entry of the PDF's outline, in order."""
    out = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, reader.get_destination_page_number(item)))
    walk(reader.outline, 1)
    return out


def headings(document):
    """(level, inner HTML) of every heading of a print document, in order."""
    return [(int(level), inner.strip()) for level, inner
            in re.findall(r"<h([1-6])\b[^>]*>(.*?)</h\1>", document, re.S)]


def contents(document, reader, depth=2):
    """The contents: (level, heading HTML, page number) of each heading down to ``depth``,
    its page found in the outline that Chromium made from the same headings."""
    found, outline = headings(document), _outline(reader)
    if [level for level, _ in found] != [level for level, _ in outline]:
        raise RuntimeError("the PDF's outline does not match the document's headings: "
                           f"{len(outline)} entries for {len(found)} headings")
    return [(level, text, number + 1) for (level, text), (_, number) in zip(found, outline)
            if level <= depth]


def build_pdf(html_dir, pages, out_path, *, title, author, version, chromium=None):
    """Print the built book to ``out_path`` (A4); returns its number of pages."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter

    chromium = chromium or find_chromium()
    if not chromium:
        raise RuntimeError("no chromium (or chromium-browser) on PATH to print the PDF")
    html_dir, out_path = Path(html_dir), Path(out_path)
    body, head = print_document(html_dir, pages, title)
    footer = functools.partial(FOOTER.format, title=html.escape(title),
                               version=html.escape(version.line()))
    with tempfile.TemporaryDirectory(prefix="rnn-pdf-") as tmp, _Server(html_dir) as server, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        try:
            body_pdf, front_pdf = Path(tmp) / "body.pdf", Path(tmp) / "front.pdf"
            server.docs["/__book_body__.html"] = body
            _print(browser, server.origin + "/__book_body__.html", body_pdf,
                   footer(number="pageNumber"))
            body_reader = PdfReader(body_pdf)
            entries = contents(body, body_reader)
            server.docs["/__book_front__.html"] = front_matter(head, title, author, version,
                                                                entries)
            _print(browser, server.origin + "/__book_front__.html", front_pdf,
                   footer(number="none"))
        finally:
            browser.close()
        front_reader = PdfReader(front_pdf)
        writer = PdfWriter()
        writer.append(front_reader, import_outline=False)
        n_front = len(writer.pages)
        writer.append(body_reader)
        writer.add_outline_item(title="Contents", page_number=1 if n_front > 1 else 0)
        writer.set_page_label(0, n_front - 1, style="/r")
        writer.set_page_label(n_front, len(writer.pages) - 1, style="/D", start=1)
        writer.add_metadata({"/Title": title, "/Author": author,
                             "/Subject": version.line()})
        part = out_path.with_suffix(".pdf.part")
        out_path.parent.mkdir(parents=True, exist_ok=True)
        with open(part, "wb") as f:
            writer.write(f)
        part.replace(out_path)
        return len(writer.pages)
