"""Every cross-reference role in a documented docstring links to a documented object.

The API pages (``docs/_apigen.py``) render the docstring of each public class and function,
the ``#:`` comment of a constant documented in the module that defines it, and the docstring
of each subpackage (its ``automodule``); numpydoc turns a ``See Also`` name into a role too.
Sphinx resolves a role there by its own rules, and the build does not warn when it finds
nothing (not nitpicky): the name renders as plain code and the reader gets no link. Session
18's audit of a full build's ``objects.inv`` found 42 such roles naming a documented object
by a path that does not link. The rules below were checked against a build of the API pages
(session 18, gallery not run): the roles fixed then link in the HTML, and every geoecg role
the HTML shows unlinked is one this test excludes or lists in ``ALLOWED``.

The rules, Sphinx's Python domain (``find_obj``), for a docstring documented as
``module.Name``: ``:func:`x``` links when ``x``, ``module.x`` or (in a class's docstring)
``module.Name.x`` is an object of the inventory; ``:func:`.x``` also links to any object whose
path ends with ``.x``. The inventory holds the documented names, a class under the module that
defines it too (autodoc's canonical name), the subpackages and the "Also in" submodules (the
same set as ``tests/test_docs_api_roles.py``). A function is documented under one path only:
``geoecg.features.detect_rpeaks`` links, ``geoecg.features.rpeaks.detect_rpeaks`` does not.

Not checked, by design: roles to private names (``geoecg._kernels...``, ``_crop_rows``: no API
page on purpose; the role names the code for a reader of the source), ``:attr:`` and
``:meth:`` (members are not separate API objects: ``numpydoc_show_class_members = False``),
and names of other projects (NumPy, scikit-learn, ...).

``ALLOWED`` lists the unlinked roles left in files other helpers were editing in session 18,
by file; an entry that no longer fails must be removed (the list only shrinks). Session 19:
all fixed, the list is empty.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.util
import inspect
import re
import sys
import warnings
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="the docs extra is not installed: pip install '.[docs]'")
pytest.importorskip("numpydoc", reason="the docs extra is not installed")

DOCS = Path(__file__).resolve().parents[1] / "docs"
ROOT = DOCS.parent
ROLE = re.compile(r":(func|class|data|mod|obj|exc|const|meth|attr):`([^`]+)`")

# Known unlinked roles, by the file that holds the docstring (path from the repository
# root) -> the roles as written (a role unlinked twice in the file is listed twice). Empty
# since session 19 (the 31 of session 18 fixed): fix a new role rather than list it. The
# fix: name the documented path (:func:`~geoecg.features.af_crop_features`, not
# geoecg.features.af.af_crop_features: the API documents it under geoecg.features; in a
# type line too long for the path, :data:`.NAME`, which links to the one documented path
# ending in .NAME), or plain ``code`` for a name with no API page (geoecg.commands.*, a
# module-level constant outside __all__).
ALLOWED: dict[str, tuple[str, ...]] = {}


def _documented() -> tuple[list[str], set[str]]:
    """(the documented names, every path a role may name and link to)."""
    from test_docstrings import _documented_names

    names = _documented_names()
    targets = set(names)
    for name in names:  # a class links under its defining module too (canonical name)
        mod, attr = name.rsplit(".", 1)
        obj = getattr(importlib.import_module(mod), attr)
        if inspect.isclass(obj):
            targets.add(f"{obj.__module__}.{obj.__qualname__}")
    packages = set(_packages())
    sections = {n.rsplit(".", 1)[0] for n in names} - packages  # "Also in" submodules
    return names, targets | packages | sections


def _packages() -> list[str]:
    """The subpackages with an API page (``docs/_apigen.py``), e.g. ``geoecg.features``."""
    sys.path.insert(0, str(DOCS))
    try:
        import _apigen
    finally:
        sys.path.remove(str(DOCS))
    return [f"geoecg.{pkg}" for pkg in _apigen._packages()]


def links(role: str, target: str, module: str, cls: str | None, targets: set[str]) -> bool:
    """Whether ``:role:`target``` in a docstring documented in ``module`` (class ``cls``)
    links; ``True`` for a role this test does not check (private, member, another project).
    """
    if role in ("meth", "attr"):
        return True
    if "<" in target:
        target = target.split("<", 1)[1].rstrip(">")
    target = target.strip().lstrip("~!")
    if any(part.startswith("_") for part in target.lstrip(".").split(".")):
        return True  # a private name: no API page on purpose
    if target.startswith("."):
        return any(t.endswith(target) for t in targets) or target[1:] in targets
    first = target.split(".", 1)[0]
    if first != "geoecg" and (
        hasattr(builtins, first)
        or importlib.util.find_spec(first)  # numpy.ndarray, sklearn.base.clone, ...
        # a dotted name of a project that is not installed (distributed.LocalCluster)
        or ("." in target and not hasattr(importlib.import_module(module), first))
    ):
        return True  # a builtin or another project's name: no API page here
    local = [f"{module}.{target}"] + ([f"{module}.{cls}.{target}"] if cls else [])
    return target in targets or any(c in targets for c in local)


def _docstrings():
    """(documented name, the file that holds its text, module, class, docstring) of each text
    an API page renders: a class's or function's docstring, a constant's ``#:`` comment
    (autodata reads it from the documented module) and a subpackage's docstring."""
    from sphinx.pycode import ModuleAnalyzer

    names, _ = _documented()
    seen = set()
    for name in names:
        mod, attr = name.rsplit(".", 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            obj = getattr(importlib.import_module(mod), attr)
        if not (inspect.isclass(obj) or inspect.isroutine(obj)):
            comment = ModuleAnalyzer.for_module(mod).find_attr_docs().get(("", attr))
            if comment:
                yield name, _source(importlib.import_module(mod)), mod, None, "\n".join(comment)
            continue
        if (id(obj), mod) in seen:
            continue
        seen.add((id(obj), mod))
        yield name, _source(obj), mod, attr if inspect.isclass(obj) else None, obj.__doc__ or ""
    for pkg in _packages():  # each API page renders its subpackage's docstring (automodule)
        module = importlib.import_module(pkg)
        yield pkg, _source(module), pkg, None, module.__doc__ or ""


def _source(obj) -> str:
    """The file that defines ``obj``, from the repository root."""
    path = Path(inspect.getsourcefile(inspect.unwrap(obj)))
    return path.resolve().relative_to(ROOT).as_posix()


def _roles(doc: str):
    """(role, target, as written) of each cross-reference of a docstring: its roles, and the
    names of a numpydoc ``See Also`` section (numpydoc renders each as ``:obj:``)."""
    for m in ROLE.finditer(doc):
        yield m.group(1), m.group(2), m.group(0)
    if "See Also" in doc:
        from numpydoc.docscrape import NumpyDocString

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            see_also = NumpyDocString(inspect.cleandoc(doc))["See Also"]
        for funcs, _desc in see_also:
            for name, role in funcs:
                yield role or "obj", name, f"See Also: {name}"


def unlinked_roles(docstrings) -> Counter:
    """(file, role as written) -> how many times it renders unlinked on the API pages."""
    _, targets = _documented()
    found: Counter = Counter()
    for _name, path, module, cls, doc in docstrings:
        for role, target, written in _roles(doc):
            if not links(role, target, module, cls, targets):
                found[(path, written)] += 1
    return found


@pytest.fixture(scope="module")
def found() -> Counter:
    return unlinked_roles(_docstrings())


def _allowed() -> Counter:
    return Counter((path, role) for path, roles in ALLOWED.items() for role in roles)


def test_docstring_roles_link(found):
    new = found - _allowed()
    report = "\n".join(
        f"{path}: {role}" + (f" (x{n})" if n > 1 else "") for (path, role), n in sorted(new.items())
    )
    assert not new, (
        f"{sum(new.values())} docstring cross-references render as plain code (no API page "
        f"under that path; name the documented path, e.g. :func:`~geoecg.features."
        f"detect_rpeaks`, or write ``code``):\n{report}"
    )


def test_allow_list_only_shrinks(found):
    fixed = _allowed() - found
    assert not fixed, f"fixed, remove from ALLOWED in {Path(__file__).name}: {sorted(fixed)}"


def test_check_catches_an_unlinked_role():
    """The rules themselves: each case could go either way."""
    _, targets = _documented()
    fn = "geoecg.features.delineation_protocols.ludb_protocol"
    docs = [
        # an "Also in" function: a bare name resolves in its own module only
        (
            fn,
            "f.py",
            "geoecg.features.delineation_protocols",
            None,
            ":func:`delineate` :func:`~geoecg.features.delineate` :func:`.delineate`",
        ),
        # a function is documented under its package path only; a class also where defined
        (
            "geoecg.features.hrv_psd",
            "g.py",
            "geoecg.features",
            None,
            ":func:`geoecg.features.rpeaks.detect_rpeaks` :func:`detect_rpeaks` "
            ":class:`geoecg.features.delineation.DelineationSettings` :mod:`geoecg.features.hrv` "
            ":data:`geoecg.leads.STANDARD_LEADS` :mod:`geoecg.leads`",
        ),
        # not checked: private names, members, other projects; checked: See Also
        (
            "geoecg.features.Delineation",
            "h.py",
            "geoecg.features",
            "Delineation",
            ":func:`geoecg._progress.progress_bar` :meth:`wide` :attr:`lead_names` "
            ":class:`numpy.ndarray` :func:`sklearn.base.clone` :class:`~pandas.DataFrame` "
            ":class:`~not_installed.Cluster`\n\n"
            "See Also\n--------\ndelineate, detect_rpeak : the two steps\n",
        ),
    ]
    assert unlinked_roles(docs) == Counter({
        ("f.py", ":func:`delineate`"): 1,
        ("g.py", ":func:`geoecg.features.rpeaks.detect_rpeaks`"): 1,
        ("g.py", ":mod:`geoecg.features.hrv`"): 1,
        ("h.py", "See Also: detect_rpeak"): 1,
    })  # fmt: skip
