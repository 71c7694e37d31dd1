"""Page weight: each page's own bytes (HTML and the images it loads, not ``_static/``)
and the shared assets the pages load, raw and gzip -6 (as a server sends them)."""
from __future__ import annotations

import gzip
import html.parser
import re
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .build import quick_copy
from .common import ROOT, copy_book, kib, table, timed_build, verdict

TITLE = "Page weight"
#: a page's own bytes (raw: what the browser holds and parses)
TARGET_BYTES = 2_000_000


class _Refs(html.parser.HTMLParser):
    """Every resource a page makes the browser load (not the links it merely shows)."""

    LOADS = {"img": ["src", "srcset"], "source": ["src", "srcset"], "script": ["src"],
             "video": ["src", "poster"], "audio": ["src"], "iframe": ["src"],
             "embed": ["src"], "object": ["data"], "input": ["src"]}
    LINK_RELS = {"stylesheet", "preload", "modulepreload", "icon", "shortcut"}

    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link":
            if set((a.get("rel") or "").lower().split()) & self.LINK_RELS and a.get("href"):
                self.refs.append(a["href"])
            return
        for attr in self.LOADS.get(tag, []):
            v = a.get(attr)
            if not v:
                continue
            if attr == "srcset":
                self.refs += [part.strip().split()[0] for part in v.split(",") if part.strip()]
            else:
                self.refs.append(v)


def local_refs(page: Path, site: Path) -> set[Path]:
    p = _Refs()
    p.feed(page.read_text(encoding="utf-8", errors="replace"))
    out = set()
    for ref in p.refs:
        if ref.startswith(("data:", "#", "mailto:")) or urlsplit(ref).scheme:
            continue
        f = (page.parent / unquote(urlsplit(ref).path)).resolve()
        if f.is_file() and site.resolve() in f.parents:
            out.add(f)
    return out


def css_fonts(css: Path, site: Path) -> set[Path]:
    """woff2 fonts and images a stylesheet points at (the formats a browser fetches)."""
    out = set()
    text = css.read_text(encoding="utf-8", errors="replace")
    for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", text):
        if ref.startswith("data:") or urlsplit(ref).scheme:
            continue
        if not re.search(r"\.(woff2|png|svg|gif|jpe?g|webp)$", urlsplit(ref).path):
            continue
        f = (css.parent / unquote(urlsplit(ref).path)).resolve()
        if f.is_file() and site.resolve() in f.parents:
            out.add(f)
    return out


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def run(sec, ctx):
    site = ctx.get("site")
    if site is None:
        work = Path(tempfile.mkdtemp(prefix="rnnbook-pages-"))
        ctx.setdefault("work", []).append(work)
        book = quick_copy(work / "book") if sec.quick else copy_book(ROOT, work / "book")
        b = timed_build(book)
        if b["rc"] != 0:
            sec.ok = False
            sec.add("The build for this section failed.")
            return
        site = book / "_build" / "html"
        sec.add(f"(Built the site for this section: {b['seconds']:.0f} s.)")
    site = Path(site)
    static = (site / "_static").resolve()
    pages = sorted((site / "chapters").glob("*.html"))
    page_refs = {p: local_refs(p, site) for p in pages}
    for p in [site / "index.html"]:
        if p.exists():
            page_refs[p] = local_refs(p, site)
    # Shared: under _static/, or loaded by every page (e.g. searchindex.js).
    everywhere = set.intersection(*page_refs.values()) if page_refs else set()
    shared = set()
    rows = []
    for p, refs in page_refs.items():
        own = [f for f in refs if static not in f.parents and f not in everywhere]
        shared |= refs - set(own)
        raw = p.stat().st_size + sum(f.stat().st_size for f in own)
        zipped = gz(p) + sum(gz(f) for f in own)
        html_b = p.stat().st_size
        rel = p.relative_to(site).as_posix()
        rows.append([f"`{rel}`", kib(html_b), len(own), kib(raw - html_b), kib(raw), kib(zipped),
                     f"≤ {TARGET_BYTES / 1e6:.0f} MB",
                     verdict(raw, TARGET_BYTES, False)])
    sec.add("A page's own bytes: its HTML (with the slider frames inline as data URIs) and "
            "the images it loads from outside `_static/`; gzip -6 as a server would send them. "
            "Page weight is not a timing, so --quick judges it too (a quick build executes one "
            "notebook, so its other pages have no outputs).\n\n"
            + table(["page", "HTML KiB", "images", "images KiB", "total KiB", "gzip KiB",
                     "target", ""], rows))
    for css in [f for f in list(shared) if f.suffix == ".css"]:
        shared |= css_fonts(css, site)
    mathjax_fonts = set()
    if any("mathjax" in f.as_posix() for f in shared):
        d = static / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
        if d.is_dir():
            mathjax_fonts = set(d.glob("*.woff"))
    groups = {}
    for f in shared:
        ext = f.suffix.lower().lstrip(".")
        kind = {"js": "JavaScript", "css": "CSS", "woff2": "fonts",
                "woff": "fonts"}.get(ext, "images, other")
        groups.setdefault(kind, []).append(f)
    rows = []
    total_raw = total_gz = 0
    for kind, files in sorted(groups.items()):
        raw, z = sum(f.stat().st_size for f in files), sum(gz(f) for f in files)
        total_raw, total_gz = total_raw + raw, total_gz + z
        rows.append([kind, len(files), kib(raw), kib(z)])
    biggest = sorted(shared, key=lambda f: -f.stat().st_size)[:5]
    rows.append(["**all shared, loaded by the pages**", len(shared), f"**{kib(total_raw)}**",
                 f"**{kib(total_gz)}**"])
    if mathjax_fonts:
        rows.append(["MathJax fonts it may fetch (all of them; a page takes the ones it uses)",
                     len(mathjax_fonts), kib(sum(f.stat().st_size for f in mathjax_fonts)),
                     kib(sum(gz(f) for f in mathjax_fonts))])
    sec.add("Shared assets, counted once: the `_static/` files the pages load (scripts, "
            "stylesheets, preloads, icon), the woff2 fonts and images their stylesheets name, "
            "and files every page loads (the search index).\n\n"
            + table(["kind", "files", "raw KiB", "gzip KiB"], rows)
            + "\n\nLargest: " + ", ".join(f"`{f.relative_to(site.resolve()).as_posix()}` "
                                         f"{kib(f.stat().st_size)} KiB" for f in biggest) + ".")


