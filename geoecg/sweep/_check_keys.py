"""Key-by-key validation of a sweep configuration, before anything is written.

The valid keys are derived from the code, not listed by hand: ``[simulator]`` from the
constructor of the object the simulator factory builds, ``[[train_env]]``/``[test_env]``/
``[shift]`` from the fields of :class:`~geoecg.simulate.Environment`, ``[methods.NAME]``
from the parameters of the estimator the method builds. A simulator or method added to
:data:`~geoecg.sweep.SIMULATORS` / :data:`~geoecg.sweep.METHODS` is covered automatically.
After the keys, every table is built once (simulator, environments at each shift, method
estimators), so that a bad value fails here too.
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect

__all__ = ["SWEEP_KEYS", "EVALUATION_KEYS", "check_config_keys"]

#: keys of ``[sweep]`` and ``[evaluation]`` (read by :func:`load_config` and the runner)
SWEEP_KEYS = frozenset({"name", "simulator", "seed"})
EVALUATION_KEYS = frozenset({"n_test", "n_reference"})


def _unknown(where: str, keys, valid) -> None:
    valid = sorted(valid)
    for k in keys:
        if k not in valid:
            close = difflib.get_close_matches(str(k), valid, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown key {k!r} in {where}{hint} Valid keys: {valid}")


def _init_params(obj) -> set[str] | None:
    """Constructor keywords of ``obj``'s class (None when it takes ``**kwargs``)."""
    if hasattr(obj, "get_params"):
        keys = set(obj.get_params(deep=False))
    else:
        sig = inspect.signature(type(obj))
        if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
            return None
        keys = set(sig.parameters)
    inner = getattr(obj, "estimator", None)
    if inner is not None and hasattr(inner, "get_params"):
        # wrappers (x_plus_w, importance) pass the flat table to the inner estimator
        keys |= set(inner.get_params(deep=False))
        keys.discard("estimator")
    return keys


def _default(factory):
    try:
        return factory({})
    except Exception:  # a factory that needs parameters: no key introspection
        return None


def check_config_keys(raw: dict, simulator: str, shifts=()) -> None:
    """Raise ``ValueError`` naming the first unknown key (and the closest valid one) in any
    table of the parsed config ``raw``, then build every table once (the test
    environment at each shift strength in ``shifts``)."""
    from ..simulate.scm import Environment, shifted_environment
    from .methods import METHODS
    from .simulators import SIMULATORS, _env

    _unknown("[sweep]", raw.get("sweep", {}), SWEEP_KEYS)
    _unknown("[evaluation]", raw.get("evaluation", {}), EVALUATION_KEYS)
    env_keys = {f.name for f in dataclasses.fields(Environment)}
    train = raw.get("train_env", [])
    if isinstance(train, dict):
        train = [train]
    for i, t in enumerate(train):
        _unknown(f"[[train_env]] #{i + 1}", t, env_keys)
    _unknown("[test_env]", raw.get("test_env", {}), env_keys)
    _unknown("[shift]", raw.get("shift", {}), env_keys)
    sim_params = dict(raw.get("simulator", {}))
    default = _default(SIMULATORS[simulator])
    keys = None if default is None else _init_params(default)
    if keys is not None:
        _unknown(f"[simulator] (simulator {simulator!r})", sim_params, keys)
    for name, params in raw.get("methods", {}).items():
        if name in METHODS and isinstance(params, dict):
            default = _default(METHODS[name].build)
            keys = None if default is None else _init_params(default)
            if keys is not None:
                _unknown(f"[methods.{name}]", params, keys)
    # build once: a bad value fails now, not after config.json was written
    for k, v in sim_params.items():
        if isinstance(v, list):
            sim_params[k] = tuple(v)
    SIMULATORS[simulator](sim_params)
    for t in train:
        _env(t)
    test = _env(raw.get("test_env", {}))
    for s in shifts:
        shifted_environment(test, s, raw.get("shift", {}))
    for name, params in raw.get("methods", {}).items():
        if name in METHODS:
            METHODS[name].build(dict(params))
