"""Every ``{func}``/``{class}``/``{data}``/``{mod}`` reference of a docs page links.

The same for the ``:func:`` ... roles of the gallery examples (``docs/examples``).

Sphinx does not warn about a Python cross-reference whose target it cannot find (the build
is not nitpicky: scikit-learn, NumPy and private names are referenced on purpose and have
no page here); it renders the name as plain code. A reader then finds no link where the
page promised one. Session 18's audit of a full build's ``objects.inv`` found 22 such
references in the hand-written pages: 17 ``{mod}`` roles (the API pages' modules were not
indexed) and ``geoecg.estimators.HeartbeatClassifier`` (importable, but documented as
``geoecg.estimators.heartbeat.HeartbeatClassifier``: a role must name the documented path).

A reference to a ``geoecg`` name must name what the API reference documents
(``docs/_apigen.py``: the public names of each subpackage, the submodule names listed under
"Also in", a class's defining module path, the subpackages and the "Also in" submodules); a
leading ``.`` (Sphinx's suffix search) matches a documented name ending with it. Pages that
record history may name code since removed: those lines carry ``(removed in session N)`` or
sit in a ``*_history.md`` page.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
ROLE = re.compile(
    r"(?:\{(?:func|class|data|meth|attr|obj|exc|const|mod)\}|:(?:func|class|data|meth|attr|obj"
    r"|exc|const|mod):)`([^`]+)`"
)
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts)
PAGES += sorted((DOCS / "examples").glob("plot_*.py"))  # the gallery's reST comments


@pytest.fixture(scope="module")
def documented() -> set[str]:
    from test_docstrings import _documented_names

    sys.path.insert(0, str(DOCS))
    try:
        import _apigen
    finally:
        sys.path.remove(str(DOCS))
    names = set(_documented_names())
    # Sphinx also registers a class under the module that defines it (autodoc's canonical
    # name): geoecg.riemann.covariance_transformer.LeadCovariances links too
    canonical = set()
    for name in names:
        mod, attr = name.rsplit(".", 1)
        obj = getattr(importlib.import_module(mod), attr)
        if inspect.isclass(obj):
            canonical.add(f"{obj.__module__}.{obj.__qualname__}")
    packages = {f"geoecg.{pkg}" for pkg in _apigen._packages()}
    # a submodule with an "Also in" section is declared there (.. module::)
    sections = {n.rsplit(".", 1)[0] for n in names} - packages
    return names | canonical | packages | sections


def unlinked(text: str, documented: set[str]) -> list[tuple[int, str]]:
    """(line, role) of each reference to a geoecg name that names nothing documented."""
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        if re.search(r"\(removed in session \d+", line):
            continue
        for m in ROLE.finditer(line):
            target = m.group(1)
            if "<" in target:
                target = target.split("<")[1].rstrip(">")
            target = target.strip().lstrip("~!")
            if target.startswith("."):
                ok = any(d.endswith(target) for d in documented)
            elif target.startswith("geoecg"):
                ok = target in documented
            else:
                continue  # another project's name (numpy, sklearn, ...): not linked here
            if not ok:
                out.append((i, m.group(0)))
    return out


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_api_references_name_documented_objects(page, documented):
    if page.stem.endswith("_history"):
        pytest.skip("a history page may name code that was removed")
    bad = [f"{page.name}:{i}: {role}" for i, role in unlinked(page.read_text(), documented)]
    assert not bad, "no API page for:\n" + "\n".join(bad)


def test_check_catches_an_undocumented_path(documented):
    text = (
        "{class}`geoecg.estimators.HeartbeatClassifier` and {mod}`geoecg.io`\n"
        "# :func:`~geoecg.features.detect_rpeak` and :mod:`geoecg.io`\n"
        "{func}`~geoecg.features.detect_rpeaks`, {func}`.detect_rpeaks`, {class}`numpy.ndarray`\n"
        "{func}`geoecg.features.gone` (removed in session 3)\n"
    )
    assert unlinked(text, documented) == [
        (1, "{class}`geoecg.estimators.HeartbeatClassifier`"),
        (2, ":func:`~geoecg.features.detect_rpeak`"),
    ]
