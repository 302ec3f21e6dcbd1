"""Sweep configuration: TOML parsing, validation and grid expansion."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import zlib
from dataclasses import dataclass, field

import numpy as np

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["SweepConfig", "Task", "load_config", "expand_grid"]


def _read_toml(path, what: str) -> dict:
    """Parse the TOML file ``path``; a syntax error is a ValueError naming ``what`` and the
    file (tomllib's own message names neither)."""
    with open(path, "rb") as fh:
        try:
            return tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{what} {path} is not valid TOML: {exc}") from None


_SECTIONS = {
    "sweep",
    "grid",
    "simulator",
    "train_env",
    "test_env",
    "shift",
    "evaluation",
    "methods",
}
_GRID_KEYS = {"shift", "method", "seed", "n"}


@dataclass(frozen=True)
class Task:
    """One data draw of the sweep: every method of the grid is fitted on it.

    A *cell* is ``(method, shift, seed, n)``; the cells sharing ``(shift, seed, n)`` share
    one task, so they see the same training, test and reference samples (common random
    numbers, which makes method differences less noisy).

    Attributes
    ----------
    shift : float
        Shift strength of the test environment (the sweep's ``shift`` axis).
    seed : int
        Seed of this draw.
    n : int
        Training records.
    methods : tuple of str
        Names of the methods fitted on this draw.
    """

    shift: float
    seed: int
    n: int
    methods: tuple

    def cell_ids(self) -> list[str]:
        return [cell_id(m, self.shift, self.seed, self.n) for m in self.methods]


def cell_id(method: str, shift: float, seed: int, n: int) -> str:
    """Stable text key of a cell, e.g. ``'x_only|shift=0.5|seed=3|n=2000'``.

    A TypeError/ValueError names the argument that is not of the form below.

    Parameters
    ----------
    method : str
        Method name.
    shift : float
        Shift strength.
    seed : int
        Seed of the draw.
    n : int
        Training records.

    Returns
    -------
    str
        The key.

    Examples
    --------
    >>> cell_id("x_only", 0.5, 3, 2000)
    'x_only|shift=0.5|seed=3|n=2000'
    """
    if not isinstance(method, str) or not method:
        raise TypeError(f"method must be a non-empty str (a method name), got {method!r}")
    if isinstance(shift, bool) or not isinstance(shift, int | float | np.integer | np.floating):
        raise TypeError(f"shift must be a real number (shift strength), got {shift!r}")
    if not np.isfinite(shift):
        raise ValueError(f"shift must be finite, got {shift!r}")
    for name, v, lo in (("seed", seed, 0), ("n", n, 1)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < lo:
            raise ValueError(f"{name} must be an int >= {lo}, got {v!r}")
    return f"{method}|shift={float(shift)!r}|seed={int(seed)}|n={int(n)}"


@dataclass(frozen=True)
class SweepConfig:
    """A validated sweep configuration (see :func:`load_config` for the TOML layout).

    Attributes
    ----------
    name : str
        Name of the configuration.
    simulator : str
        Simulator of the data draws.
    base_seed : int
        Seed from which every task's seed is derived.
    shifts, seeds, ns : tuple
        The grid: shift strengths, seeds and training sizes.
    methods : tuple of str
        Methods fitted in every task.
    raw : dict
        The configuration as read (TOML tables), for the simulator's and methods' settings.
    """

    name: str
    simulator: str
    base_seed: int
    shifts: tuple
    methods: tuple
    seeds: tuple
    ns: tuple
    raw: dict = field(repr=False, compare=False)

    @property
    def n_cells(self) -> int:
        return len(self.shifts) * len(self.methods) * len(self.seeds) * len(self.ns)

    def digest(self) -> str:
        """Hash of the whole configuration (results of different configs never mix)."""
        blob = json.dumps(self.raw, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def task_seed(self, task: Task) -> np.random.SeedSequence:
        """Seed of a task: depends on the base seed, the replicate seed, shift and n only."""
        key = (int(task.seed), zlib.crc32(repr(float(task.shift)).encode()), int(task.n))
        return np.random.SeedSequence(entropy=self.base_seed, spawn_key=key)


def _as_list(name, v):
    if isinstance(v, dict):
        if set(v) - {"start", "stop", "step"} or "stop" not in v:
            raise ValueError(f"grid.{name} as a table must be {{start, stop[, step]}}, got {v}")
        return list(range(int(v.get("start", 0)), int(v["stop"]), int(v.get("step", 1))))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return list(range(int(v))) if name == "seed" else [v]
    if isinstance(v, (list, tuple)):
        return list(v)
    raise ValueError(f"grid.{name} must be a list (or an int count for seed), got {v!r}")


def load_config(source) -> SweepConfig:
    """Parse and validate a sweep configuration.

    Parameters
    ----------
    source : path-like, str or dict
        A TOML file, the name of a packaged configuration (see
        :func:`~geoecg.sweep.list_configs`) or an already parsed mapping with the sections

        - ``[sweep]``: ``name``, ``simulator`` (``"anticausal"`` or ``"waveform"``),
          ``seed`` (base entropy, int);
        - ``[grid]``: ``shift`` (list of float), ``method`` (list of names, see
          :data:`geoecg.sweep.METHODS`), ``seed`` (list, or an int count, or
          ``{start, stop}``), ``n`` (training subjects per training environment);
        - ``[simulator]``: keyword arguments of the simulator;
        - ``[[train_env]]`` (one or more) and ``[test_env]``:
          :class:`~geoecg.simulate.Environment` fields;
        - ``[shift]``: change of each test-environment field per unit of shift strength;
        - ``[evaluation]``: ``n_test`` (evaluation sample), ``n_reference`` (fresh
          test-environment training sample for the gaps);
        - ``[methods.NAME]``: keyword arguments of a method.

    Returns
    -------
    SweepConfig

    Examples
    --------
    >>> cfg = load_config({"sweep": {"name": "demo", "simulator": "anticausal", "seed": 1},
    ...                    "grid": {"shift": [0, 1], "method": ["x_only"], "seed": 3, "n": [200]},
    ...                    "train_env": [{}], "test_env": {}, "shift": {"age_mean": 10.0}})
    >>> cfg.n_cells, cfg.seeds
    (6, (0, 1, 2))
    """
    if isinstance(source, (str, os.PathLike)):
        from .packaged import resolve_config

        path = resolve_config(source)
        raw = _read_toml(path, "sweep config")
    elif isinstance(source, dict):
        raw = json.loads(json.dumps(source, default=float))
    else:
        raise TypeError(f"source must be a path or a dict, got {type(source).__name__}")
    unknown = set(raw) - _SECTIONS
    if unknown:
        raise ValueError(f"unknown config sections {sorted(unknown)}; allowed: {sorted(_SECTIONS)}")
    sw = raw.get("sweep", {})
    grid = raw.get("grid")
    if not grid:
        raise ValueError("config needs a [grid] section with shift, method, seed and n")
    bad = set(grid) - _GRID_KEYS
    missing = _GRID_KEYS - set(grid)
    if bad or missing:
        raise ValueError(
            f"[grid] must have exactly {sorted(_GRID_KEYS)}; unknown {sorted(bad)}, "
            f"missing {sorted(missing)}"
        )
    from .methods import METHODS
    from .simulators import SIMULATORS

    simulator = sw.get("simulator", "anticausal")
    if simulator not in SIMULATORS:
        raise ValueError(f"sweep.simulator must be one of {sorted(SIMULATORS)}, got {simulator!r}")
    methods = tuple(str(m) for m in _as_list("method", grid["method"]))
    unknown_m = [m for m in methods if m not in METHODS]
    if unknown_m:
        raise ValueError(f"unknown methods {unknown_m}; available: {sorted(METHODS)}")
    shifts = tuple(float(s) for s in _as_list("shift", grid["shift"]))
    seeds = tuple(int(s) for s in _as_list("seed", grid["seed"]))
    ns = tuple(int(n) for n in _as_list("n", grid["n"]))
    if any(n < 2 for n in ns):
        raise ValueError(f"grid.n must be >= 2 subjects per environment, got {ns}")
    for name, vals in (("shift", shifts), ("method", methods), ("seed", seeds), ("n", ns)):
        if not vals:
            raise ValueError(f"grid.{name} is empty")
        if len(set(vals)) != len(vals):
            raise ValueError(f"grid.{name} has duplicates: {vals}")
    if not raw.get("train_env"):
        raise ValueError("config needs at least one [[train_env]] table")
    for m in raw.get("methods", {}):
        if m not in METHODS:
            raise ValueError(f"[methods.{m}] names an unknown method; available: {sorted(METHODS)}")
    from ._check_keys import check_config_keys

    check_config_keys(raw, simulator, shifts)  # every key and value, before anything is written
    return SweepConfig(
        name=str(sw.get("name", "sweep")),
        simulator=simulator,
        base_seed=int(sw.get("seed", 0)),
        shifts=shifts,
        methods=methods,
        seeds=seeds,
        ns=ns,
        raw=raw,
    )


def expand_grid(config: SweepConfig) -> list[Task]:
    """All tasks of the grid, in a deterministic order (shift, n, seed).

    Parameters
    ----------
    config : SweepConfig
        The sweep.

    Returns
    -------
    list of Task
        One task per (shift, n, seed).

    Examples
    --------
    >>> cfg = load_config({"sweep": {"name": "demo", "simulator": "anticausal", "seed": 1},
    ...                    "grid": {"shift": [0, 1], "method": ["x_only"], "seed": 2, "n": [200]},
    ...                    "train_env": [{}], "test_env": {}, "shift": {"age_mean": 10.0}})
    >>> [(t.shift, t.seed, t.n) for t in expand_grid(cfg)]
    [(0.0, 0, 200), (0.0, 1, 200), (1.0, 0, 200), (1.0, 1, 200)]
    """
    if not isinstance(config, SweepConfig):
        raise TypeError(
            f"config must be a SweepConfig (geoecg.sweep.load_config), got {type(config).__name__}"
        )
    return [
        Task(shift=s, seed=seed, n=n, methods=config.methods)
        for s in config.shifts
        for n in config.ns
        for seed in config.seeds
    ]
