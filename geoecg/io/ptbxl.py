"""PTB-XL: metadata (age, sex, folds, device, site), diagnostic superclasses, signal loaders.

Superclass labels follow the PTB-XL authors' example code (Wagner et al. 2020,
``example_physionet.py``): every SCP code of a record whose ``diagnostic`` flag is 1 in
``scp_statements.csv`` contributes its ``diagnostic_class``, whatever its likelihood value
(``min_likelihood=0``). Records with no diagnostic statement have an all-zero row.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import database_dir
from .record import read_record

__all__ = ["SUPERCLASSES", "LEADS", "PTBXL"]

SUPERCLASSES = ("NORM", "MI", "STTC", "CD", "HYP")
LEADS = ("I", "II", "III", "AVR", "AVL", "AVF", "V1", "V2", "V3", "V4", "V5", "V6")


class PTBXL:
    """Adapter for a PTB-XL folder (the full release or a subset in the same layout).

    Parameters
    ----------
    root : path-like, optional
        Folder holding ``ptbxl_database.csv``, ``scp_statements.csv`` and ``records100/``
        and/or ``records500/``. Default: ``$GEOECG_DATA/ptbxl``.

    Examples
    --------
    >>> from geoecg.datasets import sample_ptbxl_dir
    >>> db = PTBXL(sample_ptbxl_dir())
    >>> X, meta = db.load(fs=100)
    >>> X.shape[1:], X.dtype
    ((12, 1000), dtype('float64'))
    >>> list(db.superclass_labels().columns)
    ['NORM', 'MI', 'STTC', 'CD', 'HYP']
    """

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = database_dir("ptbxl", root, marker="ptbxl_database.csv")
        self._meta: pd.DataFrame | None = None
        for f in ("ptbxl_database.csv", "scp_statements.csv"):
            if not (self.root / f).is_file():
                raise FileNotFoundError(
                    f"{self.root} is not a PTB-XL folder: expected ptbxl_database.csv, "
                    f"scp_statements.csv and records100/ or records500/; {f} is missing"
                )

    # ------------------------------------------------------------------ metadata
    def metadata(self) -> pd.DataFrame:
        """The metadata table indexed by ``ecg_id``.

        ``scp_codes`` is parsed into a dict; ``sex`` is 0 = male, 1 = female (as in the
        source); ``age`` is in years (v1.0.2+ stores ages over 89 as 300: those become
        NaN here); ``patient_id`` is an int.
        """
        if self._meta is None:
            df = pd.read_csv(self.root / "ptbxl_database.csv", index_col="ecg_id")
            required = {"patient_id", "age", "sex", "scp_codes", "strat_fold", "filename_lr"}
            missing = required - set(df.columns)
            if missing:
                raise ValueError(
                    f"{self.root / 'ptbxl_database.csv'} lacks columns {sorted(missing)}"
                )
            df["scp_codes"] = df["scp_codes"].map(ast.literal_eval)
            df.loc[df["age"] >= 300, "age"] = np.nan
            df["patient_id"] = df["patient_id"].astype("Int64")
            self._meta = df
        return self._meta.copy()

    def scp_statements(self) -> pd.DataFrame:
        """The SCP statement table (index: SCP code)."""
        return pd.read_csv(self.root / "scp_statements.csv", index_col=0)

    def superclass_labels(self, min_likelihood: float = 0.0) -> pd.DataFrame:
        """Multi-label 0/1 matrix of the 5 diagnostic superclasses, indexed by ``ecg_id``.

        Parameters
        ----------
        min_likelihood : float, default 0
            Ignore SCP codes whose likelihood is below this value (0 keeps them all, as
            the PTB-XL benchmark does).
        """
        st = self.scp_statements()
        diag = st[st["diagnostic"] == 1]["diagnostic_class"].to_dict()
        meta = self.metadata()
        out = np.zeros((len(meta), len(SUPERCLASSES)), dtype=np.int64)
        col = {c: i for i, c in enumerate(SUPERCLASSES)}
        for row, codes in enumerate(meta["scp_codes"]):
            for code, lik in codes.items():
                cls = diag.get(code)
                if cls in col and float(lik) >= min_likelihood:
                    out[row, col[cls]] = 1
        return pd.DataFrame(out, index=meta.index, columns=list(SUPERCLASSES))

    def covariates(self) -> pd.DataFrame:
        """Age (years), sex (0 male, 1 female), site, device and patient per record."""
        cols = [c for c in ("age", "sex", "site", "device", "patient_id") if c in self.metadata()]
        return self.metadata()[cols]

    # ------------------------------------------------------------------ signals
    def _path(self, ecg_id: int, fs: int) -> Path:
        col = {100: "filename_lr", 500: "filename_hr"}[fs]
        if self._meta is None:
            self.metadata()
        return self.root / str(self._meta.at[ecg_id, col])  # no copy of the table per record

    def available(self, fs: int = 100) -> list[int]:
        """``ecg_id`` of the records whose signal files exist at ``fs`` Hz."""
        fs = self._check_fs(fs)
        meta = self.metadata()
        col = {100: "filename_lr", 500: "filename_hr"}[fs]
        return [
            int(i)
            for i, f in zip(meta.index, meta[col], strict=True)
            if (self.root / f"{f}.hea").is_file()
        ]

    @staticmethod
    def _check_fs(fs) -> int:
        if fs not in (100, 500):
            raise ValueError(f"PTB-XL is stored at 100 or 500 Hz, got fs={fs}")
        return int(fs)

    def _resolve_ids(self, ids, fs: int, missing: str) -> list[int]:
        if missing not in ("raise", "skip"):
            raise ValueError(f"missing must be 'raise' or 'skip', got {missing!r}")
        meta = self.metadata()
        ids = list(meta.index) if ids is None else [int(i) for i in ids]
        unknown = [i for i in ids if i not in meta.index]
        if unknown:
            raise KeyError(f"ecg_id not in the metadata: {unknown[:10]}")
        have = set(self.available(fs))
        absent = [i for i in ids if i not in have]
        if absent and missing == "raise":
            other = 500 if fs == 100 else 100
            hint = (
                f"; the folder records{fs}/ does not exist, records{other}/ does: pass fs={other}"
                if not (self.root / f"records{fs}").is_dir()
                and (self.root / f"records{other}").is_dir()
                else ""
            )
            raise FileNotFoundError(
                f"{len(absent)} of {len(ids)} records have no signal files at {fs} Hz under "
                f"{self.root} (first: {self._path(absent[0], fs)}.hea); pass missing='skip' or "
                f"ids=db.available({fs}){hint}"
            )
        return [i for i in ids if i in have]

    def load(
        self, ids=None, *, fs: int = 100, missing: str = "raise"
    ) -> tuple[np.ndarray, pd.DataFrame]:
        """Load signals into one array.

        Parameters
        ----------
        ids : sequence of int, optional
            ``ecg_id`` values to load (default: all metadata rows).
        fs : {100, 500}
            Which release to read.
        missing : {"raise", "skip"}
            What to do with records whose files are absent.

        Returns
        -------
        X : ndarray, shape (n_records, 12, 10 * fs)
            Signals in mV, float64, leads in the order of :data:`LEADS`.
        meta : DataFrame
            Metadata rows of the loaded records, in the same order.
        """
        fs = self._check_fs(fs)
        ids = self._resolve_ids(ids, fs, missing)
        X = np.empty((len(ids), len(LEADS), 10 * fs))
        for k, i in enumerate(ids):
            X[k] = self._read(i, fs)
        return X, self.metadata().loc[ids]

    def _read(self, ecg_id: int, fs: int) -> np.ndarray:
        rec = read_record(self._path(ecg_id, fs), annotator=None)
        if rec.lead_names and tuple(rec.lead_names) != LEADS:  # any header order/spelling
            from ..leads import canonical_order

            return rec.signal[canonical_order(rec.lead_names, LEADS)][:, : 10 * fs]
        if rec.signal.shape != (len(LEADS), 10 * fs):
            raise ValueError(
                f"PTB-XL record {ecg_id} has shape {rec.signal.shape}, expected "
                f"({len(LEADS)}, {10 * fs})"
            )
        return rec.signal

    def iter_batches(
        self, ids=None, *, fs: int = 100, batch_size: int = 256, missing: str = "raise"
    ) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        """Yield ``(X, meta)`` chunks of at most ``batch_size`` records (lazy loading).

        Only one batch is in memory at a time, so the full release (21,799 records at 500
        Hz, about 10 GB as float64) can be streamed.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        fs = self._check_fs(fs)
        ids = self._resolve_ids(ids, fs, missing)
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            yield self.load(chunk, fs=fs)
