"""Sphinx configuration for the geoecg documentation.

Build (warnings are errors, the gallery examples are executed)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))  # for _apigen
sys.path.insert(0, str(DOCS.parent))  # the package when it is not installed

os.environ.setdefault("MPLBACKEND", "Agg")

import geoecg  # noqa: E402

project = "geoecg"
author = "geoecg developers"
copyright = "geoecg developers"  # noqa: A001
release = geoecg.__version__
version = release

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "examples",
    "Thumbs.db",
    ".DS_Store",
    "**.ipynb_checkpoints",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.json",
    "auto_examples/*.md5",
    "auto_examples/*.pickle",
]
templates_path = ["_templates"]

# --- MyST: markdown pages written by several people; real broken references still fail.
myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]

# --- API reference: one autosummary stub per public name (see _apigen.py).
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": False}
autodoc_typehints = "none"
autodoc_inherit_docstrings = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# torch is an optional extra: without it, the neural reference is built from mocks.
# GEOECG_DOCS_MOCK_TORCH=1 forces that path (tests/test_docs.py checks it still builds).
autodoc_mock_imports: list[str] = []
HAVE_TORCH = importlib.util.find_spec("torch") is not None
if not HAVE_TORCH or os.environ.get("GEOECG_DOCS_MOCK_TORCH"):
    autodoc_mock_imports = ["torch"]


def _skip_type_docstrings(app, what, name, obj, options, lines):
    """Constants (arrays, tuples, dicts) would show their type's docstring: drop it."""
    if what in ("data", "attribute") and lines and not callable(obj):
        firsts = {
            d.strip().splitlines()[0].strip()
            for d in (getattr(obj, "__doc__", None), type(obj).__doc__)
            if isinstance(d, str) and d.strip()
        }
        if lines[0].strip() in firsts:
            lines.clear()


_TYPE_LINE = re.compile(r"^(\s*\*{0,2}\w[\w, *]*\s:\s)(.*)$")
_TRAILING_UNDERSCORE = re.compile(r"(?<![`\\\w])([A-Za-z]\w*?)_(?=[\s,.;:)\]]|$)")


def _escape_type_references(app, what, name, obj, options, lines):
    """``shape (n_features_in_,)`` in a numpydoc type is not a hyperlink reference.

    numpydoc copies the type after ``name : `` into reST as it is, where ``word_`` is a
    reference to a target that does not exist; escape the underscore there (types only).
    """
    for i, line in enumerate(lines):
        m = _TYPE_LINE.match(line)
        if m and "`" not in m.group(2):
            lines[i] = m.group(1) + _TRAILING_UNDERSCORE.sub(r"\1\\_", m.group(2))


def _skip_member(app, what, name, obj, skip, options):
    """Skip scikit-learn's generated ``set_{method}_request`` (documented by scikit-learn)."""
    if re.fullmatch(r"set_\w+_request", name):
        return True
    return None


#: Old page -> new page. The user guide was numbered (01_reading_records ... 09_command_line)
#: until session 9 and is now named by topic; each old address stays valid as a small page
#: that forwards to the new one.
REDIRECTS = {
    f"user_guide/{old}": f"user_guide/{new}"
    for old, new in {
        "01_reading_records": "reading_records",
        "02_rpeaks": "rpeaks",
        "03_hrv_quality": "hrv_quality",
        "04_af": "af",
        "05_beats": "beat_classification",
        "06_riemann": "riemann",
        "07_shift": "shift",
        "08_neural": "neural",
        "09_command_line": "command_line",
        "09_input_validation": "input_validation",
    }.items()
}


def _write_redirects(app, exception):
    """Write ``<old>.html`` forwarding to ``<new>.html`` for each of :data:`REDIRECTS`."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for old, new in REDIRECTS.items():
        if old in app.env.found_docs or new not in app.env.found_docs:
            raise RuntimeError(f"redirect {old} -> {new}: {old} is a page or {new} is none")
        page = out / f"{old}.html"
        url = os.path.relpath(out / f"{new}.html", page.parent)
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0; url={url}">'
            f'<link rel="canonical" href="{url}"><title>Moved</title></head>\n'
            f'<body><p>This page moved to <a href="{url}">{url}</a>.</p></body></html>\n'
        )


def setup(app):
    app.connect("build-finished", _write_redirects)
    app.connect("autodoc-process-docstring", _skip_type_docstrings, priority=400)
    app.connect("autodoc-process-docstring", _escape_type_references, priority=400)
    app.connect("autodoc-skip-member", _skip_member)
    # "Bases:" names no geoecg class without an API page (ThreeDInputMixin,
    # TorchClassifierBase): such a base shows as its own bases (tests/test_docs_bases.py)
    connect_public_bases(app, mock_imports=autodoc_mock_imports)
    # a re-exported constant (geoecg.io.DS1) shows the "#:" comment of its defining module
    connect_constant_docs(app)


from _apigen import (  # noqa: E402
    connect_constant_docs,
    connect_public_bases,
    write_api_pages,
    write_cli_page,
)

write_api_pages(DOCS, mock_imports=autodoc_mock_imports)
write_cli_page(DOCS)

# --- Gallery: every docs/examples/plot_*.py runs at build time on the embedded data.
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    # the neural examples need the neural extra (PyTorch): left out of the gallery without it
    "ignore_pattern": r"__init__\.py" if HAVE_TORCH else r"__init__\.py|_neural_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "within_subsection_order": "FileNameSortKey",
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "show_memory": False,
    "write_computation_times": False,
}

# --- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"geoecg {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "collapse_navigation": True,
    "navigation_depth": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
