"""A class page's "Bases:" line names no geoecg class that has no API page.

autodoc's ``:show-inheritance:`` (docs/_templates/autosummary/class.rst) writes each direct
base of a class. A private helper base (``geoecg._three_d_input.ThreeDInputMixin``,
``geoecg.neural._base.TorchClassifierBase``, ``geoecg.signal.transformers._Stateless``, ...)
has no page: session 18's build showed it as plain code that the reader cannot look up.
``docs/conf.py`` connects ``_apigen.public_bases`` to ``autodoc-process-bases``: such a base
shows as its own bases (``LeadReconstructor``: ``TransformerMixin, BaseEstimator``).
Documented classes (also when defined in a private module, e.g. ``FeatureSet``, which links
through its canonical name) and other projects' classes are kept.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
import sys
import textwrap

import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin

pytest.importorskip("sphinx", reason="the docs extra is not installed: pip install '.[docs]'")
pytest.importorskip("numpydoc", reason="the docs extra is not installed")

from apigen_loader import DOCS, ROOT, load_apigen  # noqa: E402

_apigen = load_apigen()

_BASES = re.compile(r"Bases:(.*?)</p>", re.S)
_XREF = re.compile(
    r'(<a class="reference internal"[^>]*>)?<code class="xref py py-class[^"]*">'
    r'<span class="pre">([^<]+)</span></code>'
)


def unlinked_bases(html: str) -> list[str]:
    """The names a page's "Bases:" lines show as code without a link."""
    out = []
    for line in _BASES.findall(html):
        out += [name.rsplit(".", 1)[-1] for link, name in _XREF.findall(line) if not link]
    return out


def _documented_classes() -> list[type]:
    from test_docstrings import _documented_names

    classes = []
    for name in _documented_names():
        mod, attr = name.rsplit(".", 1)
        obj = getattr(importlib.import_module(mod), attr)
        if inspect.isclass(obj):
            classes.append(obj)
    return classes


def other_projects_bases() -> set[str]:
    """Names of the classes of other projects (scikit-learn, torch) that documented classes
    inherit: the only names a "Bases:" line may show unlinked (no intersphinx)."""
    return {
        b.__name__
        for cls in _documented_classes()
        for b in cls.__mro__
        if not b.__module__.startswith("geoecg")
    }


def _path(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_undocumented_geoecg_bases_show_as_their_own_bases():
    def cls(name, bases=(), module="geoecg._fake"):
        return type(name, bases, {"__module__": module})

    mixin = cls("Mixin")  # geoecg, no page, object only
    doc = cls("Documented", module="geoecg.fake")
    inner = cls("_Inner", (TransformerMixin,))
    outer = cls("_Outer", (inner, BaseEstimator))
    documented = {_path(doc)}
    run = _apigen.public_bases
    assert run([mixin, doc, BaseEstimator], documented) == [doc, BaseEstimator]
    assert run([outer], documented) == [TransformerMixin, BaseEstimator]  # recursively
    assert run([cls("_A", (BaseEstimator,)), BaseEstimator], documented) == [BaseEstimator]
    assert run([mixin], documented) == [object]  # never an empty line
    assert run([object], documented) == [object]
    assert run([mixin, doc], set()) == [object]  # nothing documented: nothing of geoecg kept


def test_no_class_page_shows_an_undocumented_geoecg_base():
    documented = _apigen.documented_classes()
    classes = _documented_classes()
    assert len(documented) == len({_path(c) for c in classes}) > 50
    shown = {_path(c): _apigen.public_bases(list(c.__bases__), documented) for c in classes}
    bad = {
        name: [_path(b) for b in bases if b.__module__.startswith("geoecg")]
        for name, bases in shown.items()
        if any(b.__module__.startswith("geoecg") and _path(b) not in documented for b in bases)
    }
    assert not bad, bad
    # the cases of the session 18 build: without the hook these showed unlinked
    raw = {_path(c): [b.__name__ for b in c.__bases__] for c in classes}
    assert "ThreeDInputMixin" in raw["geoecg.leads.reconstruct.LeadReconstructor"]
    assert "TorchClassifierBase" in raw["geoecg.neural.classifiers.MLPClassifier"]
    assert shown["geoecg.leads.reconstruct.LeadReconstructor"] == [TransformerMixin, BaseEstimator]
    assert shown["geoecg.neural.classifiers.MLPClassifier"] == [ClassifierMixin, BaseEstimator]
    # a documented base defined in a private module stays (it links by its canonical name)
    assert raw["geoecg.cohort.feature_sets.AFSet"] == ["FeatureSet"]
    assert [b.__name__ for b in shown["geoecg.cohort.feature_sets.AFSet"]] == ["FeatureSet"]


def test_conf_connects_the_hook():
    tree = ast.parse((DOCS / "conf.py").read_text())
    setup = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "setup")
    calls = {
        c.func.id for c in ast.walk(setup) if isinstance(c, ast.Call) and hasattr(c.func, "id")
    }
    assert "connect_public_bases" in calls


def test_unlinked_bases_reads_a_bases_line():
    # as LeadReconstructor's line in session 18's build (two private bases), with a link
    code = (
        '<code class="xref py py-class docutils literal notranslate">'
        '<span class="pre">{}</span></code>'
    )
    link = '<a class="reference internal" href="x.html" title="t">{}</a>'
    html = (
        "<p>Bases: "
        + ", ".join(code.format(n) for n in ("ThreeDInputMixin", "_LinearMaps", "BaseEstimator"))
        + ", "
        + link.format(code.format("FeatureSet"))
        + "</p><p>"
        + code.format("NotABase")
        + "</p>"
    )
    assert unlinked_bases(html) == ["ThreeDInputMixin", "_LinearMaps", "BaseEstimator"]
    assert set(unlinked_bases(html)) - other_projects_bases() == {"ThreeDInputMixin", "_LinearMaps"}


@pytest.mark.slow
def test_class_pages_built_with_the_hook(tmp_path):
    """A small build of two class pages with the hook as docs/conf.py connects it."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        textwrap.dedent(
            f"""
            import sys
            sys.path.insert(0, {str(DOCS)!r})
            from _apigen import connect_public_bases
            extensions = ["numpydoc", "sphinx.ext.autodoc"]
            numpydoc_show_class_members = False
            autodoc_typehints = "none"

            def setup(app):
                connect_public_bases(app)
            """
        )
    )
    (src / "index.rst").write_text(
        "Classes\n=======\n\n"
        ".. autoclass:: geoecg.leads.LeadReconstructor\n   :show-inheritance:\n\n"
        ".. autoclass:: geoecg.cohort.AFSet\n   :show-inheritance:\n\n"
        ".. autoclass:: geoecg.cohort.FeatureSet\n"
    )
    cmd = [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(tmp_path / "out")]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    html = (tmp_path / "out" / "index.html").read_text()
    assert unlinked_bases(html) == ["TransformerMixin", "BaseEstimator"]
    assert re.search(r'Bases: <a class="reference internal"[^>]*>.*FeatureSet', html)
