"""Write the API reference pages (``docs/api/*.rst``) from the package's public names.

A public name is one listed in a subpackage's ``__all__`` (or, without ``__all__``, a class,
function or constant defined in the package and not starting with ``_``), plus the ``__all__``
of each public submodule for names that the subpackage does not re-export. Each name gets
an autosummary stub, so the reference follows the code without a hand-kept list.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import warnings
from pathlib import Path

PACKAGES = {
    "io": "Reading records, annotations and database adapters",
    "signal": "Filters, resampling and noise mixing",
    "features": "R-peaks, HRV, signal quality, AF and beat features",
    "riemann": "Lead covariances and Riemannian pipelines",
    "estimators": "Estimators with the scikit-learn API",
    "simulate": "Anticausal SCMs and synthetic ECG",
    "sweep": "Shift sweeps",
    "evaluation": "Matching, splits, metrics and confidence intervals",
    "neural": "Neural baselines (optional extra ``neural``, PyTorch)",
    "viz": "Plots",
    "datasets": "Embedded sample data",
}
#: Not part of the library's API: the command line (documented in api/cli) and its benches.
SKIP = {"bench", "commands", "cli"}


def _packages() -> dict[str, str]:
    """The subpackages above, then any other public subpackage of geoecg (found, not listed)."""
    import geoecg

    found = dict(PACKAGES)
    for info in pkgutil.iter_modules(geoecg.__path__):
        if info.ispkg and not info.name.startswith("_") and info.name not in SKIP:
            if info.name not in found:
                mod = importlib.import_module(f"geoecg.{info.name}")
                doc = (mod.__doc__ or "").strip().splitlines()
                found[info.name] = doc[0].rstrip(".") if doc else info.name
    return found


def _public_names(mod) -> list[str]:
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [
            n
            for n, o in vars(mod).items()
            if not n.startswith("_")
            and not inspect.ismodule(o)
            and (
                getattr(o, "__module__", "").startswith(mod.__name__)
                or (n.isupper() and not callable(o))
            )
        ]
    return [n for n in names if not inspect.ismodule(getattr(mod, n, None))]


def _submodules(mod):
    for info in pkgutil.iter_modules(mod.__path__, mod.__name__ + "."):
        leaf = info.name.rsplit(".", 1)[1]
        if leaf.startswith("_") or leaf == "make_samples":
            continue
        with warnings.catch_warnings():  # a deprecated old path (a shim) is not documented
            warnings.simplefilter("ignore", DeprecationWarning)
            sub = importlib.import_module(info.name)
        if not (sub.__doc__ or "").startswith("Deprecated:"):
            yield sub


def _page_names(mod) -> tuple[list[str], list[tuple[object, list[str]]]]:
    """The names the page of subpackage ``mod`` lists: its public names, and (submodule,
    names) for each "Also in" section (a public submodule's names not re-exported, also of
    the submodules of a public subpackage such as ``geoecg.estimators.af``)."""
    exported = _public_names(mod)
    objs = {id(getattr(mod, n)) for n in exported if hasattr(mod, n)}
    sections = []
    for sub in _submodules(mod):
        extra = [
            n
            for n in _public_names(sub)
            if hasattr(sub, n) and id(getattr(sub, n)) not in objs and n not in exported
        ]
        if extra:
            sections.append((sub, extra))
        if hasattr(sub, "__path__"):
            # a public subpackage's own public submodules (geoecg.estimators.af.protocols):
            # their names that neither the subpackage nor its parent export
            shown = objs | {id(getattr(sub, n)) for n in _public_names(sub) if hasattr(sub, n)}
            for inner in _submodules(sub):
                more = [
                    n
                    for n in _public_names(inner)
                    if hasattr(inner, n) and id(getattr(inner, n)) not in shown
                ]
                if more:
                    sections.append((inner, more))
    return exported, sections


def documented_classes(mock_imports: list[str] | None = None) -> set[str]:
    """``module.qualname`` (where it is defined) of every class the API pages document,
    e.g. ``geoecg.cohort._feature_set_base.FeatureSet`` (documented as
    ``geoecg.cohort.FeatureSet``); ``mock_imports`` as autodoc's."""

    def walk() -> set[str]:
        found = set()
        for pkg in _packages():
            mod = importlib.import_module(f"geoecg.{pkg}")
            exported, sections = _page_names(mod)
            for owner, names in [(mod, exported), *sections]:
                for n in names:
                    obj = getattr(owner, n, None)
                    if inspect.isclass(obj):
                        found.add(f"{obj.__module__}.{obj.__qualname__}")
        return found

    if mock_imports:
        from sphinx.ext.autodoc.mock import mock

        with mock(mock_imports):
            return walk()
    return walk()


def public_bases(bases: list, documented: set[str]) -> list:
    """The bases a class page's "Bases:" line shows (autodoc's ``autodoc-process-bases``).

    A geoecg class without an API page (a private helper such as
    ``geoecg._three_d_input.ThreeDInputMixin`` or ``geoecg.neural._base.TorchClassifierBase``)
    would render as unlinked code naming something the reader cannot look up: it is replaced
    by its own bases, recursively, and an ``object`` reached that way is dropped (a class
    left with no base shows ``object``). Documented classes (``documented``, as
    :func:`documented_classes` returns) and other projects' classes are kept, in order,
    each once.

    Parameters
    ----------
    bases : list
        The class's bases, as autodoc passes them.
    documented : set of str
        ``module.qualname`` of each documented class.

    Returns
    -------
    list
        The bases to show.
    """
    out: list = []

    def add(base, inherited: bool) -> None:
        path = f"{getattr(base, '__module__', '')}.{getattr(base, '__qualname__', '')}"
        if inspect.isclass(base) and path.split(".")[0] == "geoecg" and path not in documented:
            for b in base.__bases__:
                add(b, True)
        elif not (inherited and base is object) and not any(base is b for b in out):
            out.append(base)

    for base in bases:
        add(base, False)
    return out or [object]


def connect_public_bases(app, mock_imports: list[str] | None = None) -> None:
    """Make ``app`` (a Sphinx application) show :func:`public_bases` on class pages."""
    documented = documented_classes(mock_imports)

    def process_bases(app, name, obj, options, bases) -> None:
        bases[:] = public_bases(bases, documented)

    app.connect("autodoc-process-bases", process_bases)


def constant_doc(fullname: str) -> list[str]:
    """The ``#:`` comment of a documented constant, read where the constant is defined.

    autodoc reads ``#:`` comments in the module a name is documented under: a constant
    re-exported by its subpackage (``geoecg.io.DS1``, defined in ``geoecg.io.mitdb``) would
    show its value and nothing else, on its page and in the subpackage's table. This looks
    for the comment in every loaded module of the same subpackage that binds the same object
    under that name: the documented module, then its subpackage's modules, then the others
    (``geoecg._kernels`` defines some of the names that ``geoecg.features`` exports).

    Parameters
    ----------
    fullname : str
        The documented name, e.g. ``"geoecg.io.DS1"``.

    Returns
    -------
    list of str
        The comment's lines (reST), or ``[]`` when there is none or the name is not found.
    """
    import sys

    from sphinx.pycode import ModuleAnalyzer, PycodeError

    modname, _, attr = fullname.rpartition(".")
    try:
        obj = getattr(importlib.import_module(modname), attr)
    except (ImportError, AttributeError):
        return []
    package = ".".join(modname.split(".")[:2])  # geoecg.io, also for geoecg.io.mitdb
    binders = sorted(
        m
        for m, module in list(sys.modules.items())
        if m != modname
        and m.startswith("geoecg.")
        and getattr(module, "__dict__", {}).get(attr, None) is obj
    )
    owners = [modname] + sorted(binders, key=lambda m: not m.startswith(package))
    for owner in owners:
        try:
            docs = ModuleAnalyzer.for_module(owner).find_attr_docs()
        except PycodeError:
            continue
        lines = list(docs.get(("", attr), []))
        if any(line.strip() for line in lines):
            return lines
    return []


def connect_constant_docs(app) -> None:
    """Make ``app`` (a Sphinx application) show :func:`constant_doc` for a constant whose
    documented module has no comment for it (``autodoc-process-docstring``)."""

    def process(app, what, name, obj, options, lines) -> None:
        if what == "data" and not any(line.strip() for line in lines):
            lines[:] = constant_doc(name)

    app.connect("autodoc-process-docstring", process, priority=450)


def _section(
    title: str, module: str, names: list[str], char: str, directive: str = "currentmodule"
) -> list[str]:
    """An autosummary of ``names``; ``directive="module"`` also makes ``module`` a link
    target (a submodule of an "Also in" section: {mod}`geoecg.estimators.af` links here)."""
    return [
        title,
        char * len(title),
        "",
        f".. {directive}:: {module}",
        "",
        ".. autosummary::",
        "   :toctree: generated/",
        "   :nosignatures:",
        "",
        *[f"   {n}" for n in sorted(names, key=str.lower)],
        "",
    ]


def write_api_pages(
    docs_dir: Path, mock_imports: list[str] | None = None, packages: tuple[str, ...] = ()
) -> None:
    """Write ``api/index.rst`` and one page per subpackage; ``mock_imports`` as autodoc's.

    ``packages`` limits the pages to those subpackages (a test of one of them need not
    import the others); then no stub is removed, since the others' are not known.
    """
    if mock_imports:
        from sphinx.ext.autodoc.mock import mock

        with mock(mock_imports):
            _write(docs_dir, packages)
    else:
        _write(docs_dir, packages)


def _write(docs_dir: Path, only: tuple[str, ...] = ()) -> None:
    out = docs_dir / "api"
    out.mkdir(exist_ok=True)
    expected: set[str] = set()
    index = [
        "API reference",
        "=============",
        "",
        "Every public name of geoecg, by subpackage. Import names from the subpackage",
        "(``from geoecg.features import detect_rpeaks``); names listed under a submodule are",
        "imported from that submodule.",
        "",
        ".. toctree::",
        "   :maxdepth: 1",
        "",
    ]
    found = {p: PACKAGES.get(p, p) for p in only} if only else _packages()
    for pkg, blurb in found.items():
        name = f"geoecg.{pkg}"
        mod = importlib.import_module(name)
        exported, sections = _page_names(mod)
        title = f"``{name}``: {blurb}"
        lines = [
            title,
            "=" * len(title),
            "",
            f".. automodule:: {name}",  # indexed: {mod}`geoecg.io` links to this page
            "   :no-members:",
            "",
        ]
        if exported:
            lines += _section(f"Names in ``{name}``", name, exported, "-")
            expected.update(f"{name}.{n}" for n in exported)
        for sub, extra in sections:
            lines += _section(f"Also in ``{sub.__name__}``", sub.__name__, extra, "-", "module")
            expected.update(f"{sub.__name__}.{n}" for n in extra)
        text = "\n".join(lines)
        page = out / f"{pkg}.rst"
        if not page.exists() or page.read_text() != text:
            page.write_text(text)
        index.append(f"   {pkg}")
    text = "\n".join(index) + "\n"
    page = out / "index.rst"
    if not page.exists() or page.read_text() != text:
        page.write_text(text)
    if only:
        return
    # stubs of names that no longer exist would be orphan pages (a warning): remove only
    # those, so that two builds running at once do not delete each other's stubs
    for stub in (out / "generated").glob("*.rst"):
        if stub.stem not in expected:
            stub.unlink(missing_ok=True)


def write_cli_page(docs_dir: Path) -> None:
    """Write ``api/cli.rst``: the ``--help`` text of every ``geoecg`` subcommand."""
    import argparse

    from geoecg.cli import build_parser

    parser = build_parser()
    lines = [
        "Command-line reference",
        "======================",
        "",
        "The ``--help`` text of every ``geoecg`` subcommand, generated from the parser at",
        "build time. See :doc:`../user_guide/command_line` for a walk-through.",
        "",
    ]

    def add(title: str, p: argparse.ArgumentParser) -> None:
        text = p.format_help()
        lines.extend([title, "-" * len(title), "", ".. code-block:: text", ""])
        lines.extend(("   " + ln).rstrip() for ln in text.splitlines())
        lines.append("")

    os.environ.setdefault("COLUMNS", "88")
    add("``geoecg``", parser)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, p in sub.choices.items():
        if name == "bench":
            add("``geoecg bench``", p)
            bsub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
            for bname, bp in bsub.choices.items():
                add(f"``geoecg bench {bname}``", bp)
        else:
            add(f"``geoecg {name}``", p)
    text = "\n".join(lines)
    page = docs_dir / "api" / "cli.rst"
    if not page.exists() or page.read_text() != text:
        page.write_text(text)
