"""Run a sweep: tasks on joblib or dask.distributed, rows appended to Parquet, resumable."""

from __future__ import annotations

import json
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from .._atomic import write_text_atomic
from .._progress import progress_bar
from .config import SweepConfig, Task, cell_id, expand_grid, load_config
from .methods import METHODS, reference_model
from .metrics import binary_metrics, transfer_gaps
from .simulators import environments, make_simulator
from .store import ResultStore, load_results

__all__ = ["run_task", "run_sweep"]

_BACKENDS = ("joblib", "dask")


def run_task(config: SweepConfig, task: Task, skip=frozenset()) -> list[dict]:
    """Draw one task's samples and fit/evaluate every method not in ``skip``.

    The training sample holds ``task.n`` subjects from each training environment; the
    evaluation sample (``evaluation.n_test``, default 20000) and the reference sample
    (``evaluation.n_reference``, default 20000) are fresh independent draws from the test
    environment. Returns one row (dict) per method; a method that raises gets NaN
    metrics and its error message in ``error``. BLAS and OpenMP pools are limited to one
    thread inside a task (the sweep parallelises over tasks instead).

    Parameters
    ----------
    config : SweepConfig
        The sweep.
    task : Task
        The draw (shift, seed, n) and its methods.
    skip : collection of str, default frozenset()
        Names of methods already done for this task, not fitted again.

    Returns
    -------
    list of dict
        One row per method fitted.

    Examples
    --------
    >>> from geoecg.sweep import expand_grid, load_config
    >>> cfg = load_config({"sweep": {"name": "demo", "simulator": "anticausal", "seed": 1},
    ...                    "grid": {"shift": [1], "method": ["x_only"], "seed": 1, "n": [200]},
    ...                    "train_env": [{}], "test_env": {}, "shift": {"age_mean": 10.0},
    ...                    "evaluation": {"n_test": 2000, "n_reference": 2000}})
    >>> rows = run_task(cfg, expand_grid(cfg)[0])
    >>> [(r["method"], r["shift"], r["n_test"]) for r in rows]
    [('x_only', 1.0, 2000)]
    >>> bool(0.5 < rows[0]["auroc"] <= 1.0)
    True
    """
    if not isinstance(config, SweepConfig):
        raise TypeError(
            f"config must be a SweepConfig (geoecg.sweep.load_config), got {type(config).__name__}"
        )
    if not isinstance(task, Task):
        raise TypeError(
            f"task must be a Task (geoecg.sweep.expand_grid), got {type(task).__name__}"
        )
    if isinstance(skip, str | bytes) or not hasattr(skip, "__iter__"):
        raise TypeError(f"skip must be a collection of method names (str), got {skip!r}")
    skip = frozenset(skip)
    if not all(isinstance(m, str) for m in skip):
        raise TypeError(f"skip must be a collection of method names (str), got {set(skip)!r}")
    with threadpool_limits(limits=1):
        return _run_task(config, task, skip)


def _run_task(config: SweepConfig, task: Task, skip) -> list[dict]:
    ss = config.task_seed(task)
    r_train, r_test, r_ref = (np.random.default_rng(s) for s in ss.spawn(3))
    ev = config.raw.get("evaluation", {})
    n_test = int(ev.get("n_test", 20000))
    n_ref = int(ev.get("n_reference", 20000))
    sim = make_simulator(config)
    train_envs, test_env = environments(config, task.shift)
    train = sim.sample(task.n, train_envs, r_train)
    test = sim.sample(n_test, test_env, r_test)
    ref = sim.sample(n_ref, test_env, r_ref)
    params = config.raw.get("methods", {})
    refs: dict[str, dict] = {}
    rows = []
    for name in task.methods:
        if name in skip:
            continue
        method = METHODS[name]
        if method.inputs not in refs:
            refs[method.inputs] = binary_metrics(test.y, reference_model(method.inputs, ref)(test))
        t0 = time.perf_counter()
        error = ""
        try:
            est = method.fit(method.build(params.get(name, {})), train, target=ref)
            met = binary_metrics(test.y, method.predict(est, test))
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            met = dict.fromkeys(("auroc", "log_loss", "brier", "ece"), float("nan"))
        fit_s = time.perf_counter() - t0
        rref = refs[method.inputs]
        rows.append(
            {
                "sweep": config.name,
                "config_digest": config.digest(),
                "cell_id": cell_id(name, task.shift, task.seed, task.n),
                "method": name,
                "shift": float(task.shift),
                "seed": int(task.seed),
                "n": int(task.n),
                **met,
                **{f"{k}_ref": v for k, v in rref.items()},
                **transfer_gaps(met, rref),
                "prevalence_test": float(np.mean(test.y)),
                "n_test": n_test,
                "n_reference": n_ref,
                "fit_s": fit_s,
                "error": error,
            }
        )
    return rows


def _task_key(task: Task) -> str:
    h = zlib.crc32("\n".join(task.cell_ids()).encode())
    return f"shift{float(task.shift)!r}_n{task.n}_seed{task.seed}_{h:08x}"


def _pair(config, task, skip):
    return task, run_task(config, task, skip)


def run_sweep(
    config,
    out,
    *,
    backend: str = "joblib",
    n_jobs: int = 1,
    scheduler: str | None = None,
    dask_processes: bool = True,
    limit: int | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Run (or resume) a sweep and return all its rows.

    Parameters
    ----------
    config : SweepConfig, dict or path to a TOML file
    out : path-like
        Output folder; rows go to ``out/results/part-*.parquet`` as tasks finish and the
        parsed configuration to ``out/config.json``. Cells already there are skipped.
    backend : {"joblib", "dask"}
    n_jobs : int, default=1
        joblib workers, or the number of workers of the local Dask cluster.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:port``); without it the dask
        backend starts a ``LocalCluster`` on 127.0.0.1 with the dashboard off.
    dask_processes : bool, default=True
        Worker processes (True) or threads (False) for the local cluster.
    limit : int, optional
        Run at most this many pending tasks, then stop (a deliberate interruption).
    progress : bool or None, default None
        A tqdm bar of the cells on stderr. ``None``: only when stderr is a terminal (not in
        a log file or a batch job; in a notebook pass ``True``), and ``TQDM_DISABLE=1``
        hides it there too; ``True`` / ``False`` force it on / off.

    Returns
    -------
    DataFrame
        Every stored row of the folder (see :func:`geoecg.sweep.load_results`).

    Notes
    -----
    Results are bitwise identical across backends and worker counts: each task draws its
    random numbers from a ``SeedSequence`` keyed by the base seed, the replicate seed, the
    shift and n, never from the order of execution. Only ``fit_s`` (seconds) varies.

    Examples
    --------
    >>> import tempfile
    >>> cfg = {"sweep": {"name": "demo", "simulator": "anticausal", "seed": 1},
    ...        "grid": {"shift": [0, 1], "method": ["x_only"], "seed": 2, "n": [200]},
    ...        "train_env": [{}], "test_env": {}, "shift": {"age_mean": 10.0},
    ...        "evaluation": {"n_test": 2000, "n_reference": 2000}}
    >>> with tempfile.TemporaryDirectory() as out:
    ...     table = run_sweep(cfg, out, limit=1, progress=False)  # stopped after one task
    ...     table = run_sweep(cfg, out, progress=False)  # resumed: the 3 other tasks only
    >>> table[["method", "shift", "seed", "n"]]
       method  shift  seed    n
    0  x_only    0.0     0  200
    1  x_only    0.0     1  200
    2  x_only    1.0     0  200
    3  x_only    1.0     1  200
    >>> bool(table["log_loss_gap"].notna().all())
    True
    """
    cfg = config if isinstance(config, SweepConfig) else load_config(config)
    if backend not in _BACKENDS:
        raise ValueError(f"backend must be one of {_BACKENDS}, got {backend!r}")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0:
        raise ValueError(f"n_jobs must be a non-zero int, got {n_jobs!r}")
    if scheduler is not None and backend != "dask":
        raise ValueError("scheduler is only used with backend='dask'")
    if backend == "dask":
        from .._optional import require

        require("dask", "distributed", purpose="run_sweep(backend='dask')")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store = ResultStore(out)
    done = store.done(cfg.digest())
    text = json.dumps(cfg.raw, indent=2, sort_keys=True, default=str)
    write_text_atomic(out / "config.json", text)
    pending = []
    for t in expand_grid(cfg):
        skip = frozenset(m for m, c in zip(t.methods, t.cell_ids(), strict=True) if c in done)
        if len(skip) < len(t.methods):
            pending.append((t, skip))
    if limit is not None:
        pending = pending[: max(int(limit), 0)]
    all_ids = {c for t in expand_grid(cfg) for c in t.cell_ids()}
    bar = progress_bar(
        total=cfg.n_cells,
        initial=len(done & all_ids),
        unit="cell",
        desc=cfg.name,
        progress=progress,
    )
    try:
        if backend == "joblib":
            _run_joblib(cfg, pending, store, bar, n_jobs)
        else:
            _run_dask(cfg, pending, store, bar, n_jobs, scheduler, dask_processes)
    finally:
        bar.close()
    return load_results(out)


def _run_joblib(cfg, pending, store, bar, n_jobs):
    if not pending:
        return
    if n_jobs == 1:
        for t, skip in pending:
            rows = run_task(cfg, t, skip)
            store.write(_task_key(t), rows)
            bar.update(len(rows))
        return
    from joblib import Parallel, delayed

    # loky's resource tracker may print "There appear to be 1 leaked folder objects to clean
    # up at shutdown" at exit (seen once, not reproduced with joblib 1.6.0): joblib registers
    # a Parallel call's memmapping folder before creating it and never unregisters one that
    # was never created (joblib issue 1620, open). Nothing of ours is left open: the
    # generator is consumed to the end, and no folder exists to remove.
    par = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    for t, rows in par(delayed(_pair)(cfg, t, skip) for t, skip in pending):
        store.write(_task_key(t), rows)
        bar.update(len(rows))


def _run_dask(cfg, pending, store, bar, n_jobs, scheduler, processes):
    from distributed import Client, LocalCluster, as_completed  # checked by run_sweep

    cluster = None
    if scheduler is None:
        n_workers = n_jobs if n_jobs > 0 else None
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=processes,
            host="127.0.0.1",
            protocol="tcp",
            dashboard_address=None,
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        if not pending:
            return
        futures = [client.submit(_pair, cfg, t, skip, pure=False) for t, skip in pending]
        for fut in as_completed(futures):
            t, rows = fut.result()
            store.write(_task_key(t), rows)
            bar.update(len(rows))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
