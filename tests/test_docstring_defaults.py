"""The defaults the API reference states are the defaults the code has.

numpydoc's validator (``tests/test_docstrings.py``) checks that every parameter is documented,
not that ``epochs : int, default 30`` is still true when the signature says ``epochs=100``
(session 18 audit: :class:`geoecg.neural.MLPClassifier` documented the signal networks'
``epochs`` and ``patience`` defaults, 30 and 5, while its own are 100 and 10). This test reads
the ``default ...`` of each parameter's type line in every documented function, class and
public method, and compares it with the signature where the text can be evaluated:

- a Python literal (``default 30``, ``default=(3, 20)``, ``default "balanced"``): equal to the
  signature's default (tuples and lists compared item by item);
- a name (``default :data:`STANDARD_LEADS```, ``default AAMI_REPORT_CLASSES``, a
  ``:func:`` role): the object of that name, looked up in the function's module or by its
  dotted path, is the signature's default (equal for data, the same object for callables);
- a line documenting several parameters (``a_low, a_high : float, default 0.8, 1.3``): one
  value per name, in order.

Texts that are not a literal or a name (``default=LogisticRegression(max_iter=1000)`` behind a
``None`` default) are not checked.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import re
import warnings

import pytest

pytest.importorskip("numpydoc", reason="the docs extra is not installed")

from numpydoc.docscrape import NumpyDocString  # noqa: E402
from test_docstrings import _documented_names  # noqa: E402

_DEFAULT = re.compile(r"\bdefault\s*(?:=|:|is\b)?\s*(.+)$", re.I)
_ROLE = re.compile(r"^:(?:data|func|class|obj|const):`~?([\w.]+)`$")
_NAME = re.compile(r"^`{0,2}([A-Za-z_][\w.]*)`{0,2}$")
_MISSING = object()


def _lookup(name: str, module):
    """The object ``name`` (dotted or not) names, seen from ``module``; _MISSING if none."""
    parts = name.lstrip("~.").split(".")
    for root in (module, importlib.import_module("geoecg"), builtins):
        obj = root
        try:
            for p in parts:
                obj = getattr(obj, p)
            return obj
        except AttributeError:
            pass
    for i in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
            for p in parts[i:]:
                obj = getattr(obj, p)
            return obj
        except (ImportError, AttributeError):
            continue
    return _MISSING


def _same(stated, actual) -> bool:
    if callable(actual) and not isinstance(actual, type):
        return stated is actual
    if isinstance(stated, list | tuple) and isinstance(actual, list | tuple):
        if len(stated) != len(actual):
            return False
        return all(_same(a, b) for a, b in zip(stated, actual, strict=True))
    if isinstance(stated, bool) or isinstance(actual, bool):
        return stated is actual
    try:
        return bool(stated == actual)
    except Exception:  # arrays and the like: not a checkable statement
        return True


def _stated(text: str, module):
    """The value a ``default`` text states, or _MISSING when it is not checkable."""
    text = text.strip().rstrip(".")
    role = _ROLE.match(text)
    if role:
        return _lookup(role.group(1), module)
    try:
        return ast.literal_eval(text.strip("`"))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    name = _NAME.match(text)
    if name and (name.group(1)[0].isupper() or "." in name.group(1)):
        return _lookup(name.group(1), module)
    return _MISSING


def _split(text: str, n: int) -> list[str] | None:
    """``"0.8, 1.3"`` / ``"1.1 and 0.6"`` for a line documenting ``n`` parameters."""
    parts = [p.strip() for p in re.split(r",|\band\b", text) if p.strip()]
    return parts if len(parts) == n else None


def wrong_defaults(func, doc: str) -> list[str]:
    """``name: text vs value`` for each stated default that is not the signature's."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return []
    module = inspect.getmodule(func)
    out = []
    parsed = NumpyDocString(doc)
    for p in parsed["Parameters"] + parsed["Other Parameters"]:
        names = [n.strip().lstrip("*") for n in p.name.split(",") if n.strip()]
        m = _DEFAULT.search(p.type)
        if not m or not any(n in params for n in names):
            continue
        texts = [m.group(1)] if len(names) == 1 else _split(m.group(1), len(names))
        if texts is None:  # one default for several names
            texts = [m.group(1)] * len(names)
        for name, text in zip(names, texts, strict=True):
            if name not in params:
                continue
            actual = params[name].default
            if actual is inspect.Parameter.empty:
                out.append(f"{name}: documents a default ({text!r}) but is required")
                continue
            stated = _stated(text, module)
            if stated is _MISSING:
                if _ROLE.match(text.strip().rstrip(".")):
                    out.append(f"{name}: {text!r} names nothing")
                continue
            if not _same(stated, actual):
                out.append(f"{name}: documented {text!r}, signature {actual!r}")
    return out


def _targets():
    """(label, function, docstring) of each documented name and its public methods."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in _documented_names():
            mod_name, attr = name.rsplit(".", 1)
            obj = getattr(importlib.import_module(mod_name), attr)
            if inspect.isclass(obj):
                yield name, obj, inspect.getdoc(obj)
                for meth, f in vars(obj).items():
                    if not meth.startswith("_") and inspect.isfunction(f):
                        yield f"{name}.{meth}", f, inspect.getdoc(f)
            elif inspect.isroutine(obj):
                yield name, obj, inspect.getdoc(obj)


def test_documented_defaults_are_the_signature_defaults():
    wrong, seen = [], set()
    for label, func, doc in _targets():
        if not doc or id(func) in seen:
            continue
        seen.add(id(func))
        wrong += [f"{label}({w})" for w in wrong_defaults(func, doc)]
    assert not wrong, "\n".join(wrong)


def _example(epochs=100, patience=10, band=(3.0, 20.0), a_low=0.8, a_high=1.3, metric=len):
    """A function whose docstring misstates two defaults.

    Parameters
    ----------
    epochs : int, default 30
    patience : int, default 10
    band : (float, float), default (3, 20)
    a_low, a_high : float, default 0.8, 1.5
    metric : callable, default :func:`len`
    """


def test_check_catches_a_wrong_default():
    assert wrong_defaults(_example, _example.__doc__) == [
        "epochs: documented '30', signature 100",
        "a_high: documented '1.5', signature 1.3",
    ]
