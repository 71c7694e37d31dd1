"""What the book's website offers to take home, besides its pages: the library as a wheel
and the runnable book as a zip (the PDF is ``book_pdf.py``), with the book's version.
``downloads.py`` calls these when the HTML build has finished and puts the files into the
site's ``downloads/`` folder; the tests call them on their own.

- ``build_wheel``: ``pip wheel`` of a copy of ``pyproject.toml`` and ``rnn_lib/``, with the
  installed setuptools and no package index (no network).
- ``build_bundle``: a zip with one folder: the chapters' notebooks without outputs,
  ``rnn_lib/``, a lean ``requirements.txt`` (rnn_lib's own dependencies, JupyterLab, and
  pytest + nbval to check the notebooks, at the versions of the book's requirements.txt),
  ``pyproject.toml`` without the developers' tool sections, and a README with the
  commands (``_take_home/bundle/``). No myst-nb: the notebooks' ``glue`` falls back to a no-op.
- ``book_version``: the version (``rnn_lib.__version__``, also the wheel's), the build's
  date and git commit, for the footer of every page and of the PDF.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
BUNDLE_TEMPLATES = HERE / "bundle"
#: what the bundle's requirements take from the book's requirements.txt
BUNDLE_PACKAGES = ("numpy", "matplotlib", "ipywidgets", "jupyterlab", "pytest", "nbval")
#: pyproject tables the bundle keeps (the rest configures the developers' linter and tests)
BUNDLE_PYPROJECT = ("build-system", "project", "tool.setuptools")


# -- which book is this ---------------------------------------------------------------
class BookVersion(NamedTuple):
    version: str            # rnn_lib.__version__, which is also the wheel's version
    date: str               # the build's date (UTC), or SOURCE_DATE_EPOCH's
    commit: str | None      # git's short hash, None outside a git checkout
    dirty: bool             # the checkout had uncommitted changes

    def line(self):
        """One line for every page's footer and the PDF's pages."""
        text = f"Version {self.version}, built {self.date}"
        if self.commit:
            text += f" from commit {self.commit}"
            if self.dirty:
                text += " with local changes"
        return text

    def names(self):
        """The download files' names, by kind."""
        return {"pdf": f"rnn-book-{self.version}.pdf",
                "zip": f"rnn-book-{self.version}.zip",
                "wheel": wheel_name(self.version)}


def wheel_name(version):
    """The wheel's file name for a version of rnn_lib (pure Python, any platform)."""
    return f"rnn_lib-{version}-py3-none-any.whl"


def library_version(root):
    """``rnn_lib.__version__``, read without importing rnn_lib (numpy, matplotlib)."""
    text = (Path(root) / "rnn_lib" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.M).group(1)


def _git(root, *args):
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def book_version(root):
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (datetime.fromtimestamp(int(epoch), timezone.utc) if epoch
            else datetime.now(timezone.utc))
    commit = _git(root, "rev-parse", "--short=7", "HEAD")
    dirty = bool(commit and _git(root, "status", "--porcelain", "--untracked-files=no"))
    return BookVersion(library_version(root), when.strftime("%Y-%m-%d"), commit, dirty)


# -- the wheel ------------------------------------------------------------------------
def _copy_library(root, dest):
    root, dest = Path(root), Path(dest)
    shutil.copytree(root / "rnn_lib", dest / "rnn_lib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


def build_wheel(root, out_dir):
    """``rnn_lib-<version>-py3-none-any.whl`` in ``out_dir``, from a clean copy of the
    sources (an in-tree build would leave ``build/`` and ``*.egg-info`` behind)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rnn-wheel-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        shutil.copy2(Path(root) / "pyproject.toml", src)
        _copy_library(root, src)
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
               "--no-index", "--disable-pip-version-check", "-q", "-w", str(out_dir),
               str(src)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if proc.returncode:
        raise RuntimeError("building the wheel failed (setuptools>=70.1 must be installed, "
                           f"see requirements.txt):\n{proc.stdout}{proc.stderr}")
    wheel = out_dir / wheel_name(library_version(root))
    if not wheel.is_file():
        raise RuntimeError(f"pip wheel made no {wheel.name} in {out_dir}")
    return wheel


# -- the bundle -----------------------------------------------------------------------
def bundle_requirements(root):
    """The bundle's requirements.txt: its header, then the book's own lines for the
    packages the bundle needs (one place for the versions)."""
    header = (BUNDLE_TEMPLATES / "requirements.txt").read_text(encoding="utf-8")
    wanted, lines = set(BUNDLE_PACKAGES), []
    for line in (Path(root) / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name = re.match(r"\s*([A-Za-z0-9_.-]+)", line)
        if name and name.group(1).lower() in wanted:
            lines.append(line.strip())
            wanted.discard(name.group(1).lower())
    if wanted:
        raise RuntimeError(f"requirements.txt names no {sorted(wanted)} for the bundle")
    return header.rstrip("\n") + "\n" + "\n".join(lines) + "\n"


def bundle_pyproject(root):
    """pyproject.toml with only the tables that install rnn_lib."""
    keep, out = False, []
    for line in (Path(root) / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        table = re.match(r"\[+([^\]]+)\]+\s*$", line)
        if table:
            name = table.group(1).strip()
            keep = any(name == t or name.startswith(t + ".") for t in BUNDLE_PYPROJECT)
        if keep:
            out.append(line)
    return "\n".join(out).strip() + "\n"


def clean_notebook(path):
    """The notebook's JSON without outputs, execution counts or widget state."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb["metadata"].pop("widgets", None)
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def build_bundle(root, out_path, notebooks, version):
    """The runnable book as a zip with one folder, ``rnn-book-<version>/``."""
    root, out_path = Path(root), Path(out_path)
    top = out_path.stem
    stamp = tuple(int(x) for x in version.date.split("-")) + (0, 0, 0)
    first = Path(notebooks[0]).name if notebooks else "01_....ipynb"
    readme = (BUNDLE_TEMPLATES / "README.md").read_text(encoding="utf-8").format(
        version_line=version.line(), version=version.version, folder=top,
        first_notebook=first, wheel=version.names()["wheel"])
    files = {"README.md": readme, "requirements.txt": bundle_requirements(root),
             "pyproject.toml": bundle_pyproject(root)}
    for nb in notebooks:
        files[f"chapters/{Path(nb).name}"] = clean_notebook(nb)
    for path in sorted((root / "rnn_lib").rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and "__pycache__" not in rel.parts and path.suffix != ".pyc" \
                and not any(p.startswith(".") for p in rel.parts):
            files[rel.as_posix()] = path.read_bytes()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in files.items():
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    tmp.replace(out_path)
    return out_path
