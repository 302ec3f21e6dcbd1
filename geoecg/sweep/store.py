"""Parquet result set of a sweep: one part file per finished task, written atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._atomic import atomic_path

__all__ = ["ResultStore", "load_results"]

#: Column order of a result row (extra columns follow).
COLUMNS = [
    "sweep",
    "config_digest",
    "cell_id",
    "method",
    "shift",
    "seed",
    "n",
    "auroc",
    "log_loss",
    "brier",
    "ece",
    "auroc_ref",
    "log_loss_ref",
    "brier_ref",
    "ece_ref",
    "auroc_gap",
    "log_loss_gap",
    "brier_gap",
    "ece_gap",
    "prevalence_test",
    "n_test",
    "n_reference",
    "fit_s",
]


class ResultStore:
    """Folder ``DIR/results/`` of Parquet parts, ``part-<task key>.parquet``.

    A part is written to a temporary name and renamed, so a part file on disk is always
    complete; an interrupted sweep loses at most the tasks that were running.

    Parameters
    ----------
    out_dir : path-like
        The sweep's output folder; the parts go to ``out_dir/results/``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     store = ResultStore(out)
    ...     _ = store.write("task0", [{"cell_id": "x_only|shift=0.0|seed=0|n=200",
    ...                                "method": "x_only", "shift": 0.0, "seed": 0, "n": 200}])
    ...     print(sorted(store.done()))
    ['x_only|shift=0.0|seed=0|n=200']
    """

    def __init__(self, out_dir):
        self.dir = Path(out_dir) / "results"

    def done(self, digest: str | None = None) -> set[str]:
        """Cell ids already stored (raises if they belong to another configuration)."""
        df = self.load()
        if df.empty:
            return set()
        if digest is not None:
            if "config_digest" not in df.columns or df["config_digest"].isna().any():
                raise ValueError(
                    f"{self.dir} holds results written without a configuration digest (a "
                    "label-shift study before session 11), so they cannot be matched to this "
                    "configuration; use another --out"
                )
            other = set(df["config_digest"]) - {digest}
            if other:
                raise ValueError(
                    f"{self.dir} holds results of a different sweep configuration "
                    f"(digest {sorted(other)[0]}, this config {digest}); use another --out"
                )
        return set(df["cell_id"])

    def write(self, key: str, rows: list[dict]) -> Path:
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / f"part-{key}.parquet"
        n = 0
        while path.exists():  # a re-run of a partially stored task: never overwrite
            n += 1
            path = self.dir / f"part-{key}-{n}.parquet"
        df = pd.DataFrame(rows)
        first = [c for c in COLUMNS if c in df.columns]
        df = df[first + [c for c in df.columns if c not in COLUMNS]]
        with atomic_path(path) as tmp:
            df.to_parquet(tmp, index=False)
        return path

    def load(self) -> pd.DataFrame:
        parts = sorted(self.dir.glob("part-*.parquet")) if self.dir.is_dir() else []
        if not parts:
            return pd.DataFrame(columns=COLUMNS)
        df = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
        return df.drop_duplicates("cell_id", keep="first")


def load_results(out_dir) -> pd.DataFrame:
    """All stored rows of a sweep folder, sorted by method, shift, n and seed.

    Parameters
    ----------
    out_dir : path-like
        The sweep's output folder (the ``--out`` of ``geoecg sweep``).

    Returns
    -------
    DataFrame
        One row per cell: the cell's keys, its metrics and timing.

    Raises
    ------
    FileNotFoundError
        When the folder holds no results.

    Examples
    --------
    >>> import tempfile
    >>> from geoecg.sweep import run_sweep
    >>> cfg = {"sweep": {"name": "demo", "simulator": "anticausal", "seed": 1},
    ...        "grid": {"shift": [0], "method": ["x_only"], "seed": 1, "n": [200]},
    ...        "train_env": [{}], "test_env": {}, "shift": {"age_mean": 10.0},
    ...        "evaluation": {"n_test": 2000, "n_reference": 2000}}
    >>> with tempfile.TemporaryDirectory() as out:
    ...     _ = run_sweep(cfg, out, progress=False)
    ...     table = load_results(out)  # e.g. a folder written earlier by ``geoecg sweep``
    >>> table["cell_id"].tolist()
    ['x_only|shift=0.0|seed=0|n=200']
    """
    store = ResultStore(out_dir)
    df = store.load()
    if df.empty:
        raise FileNotFoundError(
            f"no sweep results under {store.dir}: expected the --out folder of a geoecg sweep "
            "run (results/part-*.parquet)"
        )
    return df.sort_values(["method", "shift", "n", "seed"], kind="stable").reset_index(drop=True)
