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

#: PTB-XL diagnostic superclasses: normal, myocardial infarction, ST/T change, conduction
#: disturbance, hypertrophy.
SUPERCLASSES = ("NORM", "MI", "STTC", "CD", "HYP")
#: Lead names of the PTB-XL records, in stored order (aVR, aVL, aVF upper-cased).
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
            self._meta = _parse_database(self.root / "ptbxl_database.csv")
        return self._meta.copy()

    def scp_statements(self) -> pd.DataFrame:
        """The SCP statement table (index: SCP code).

        Raises
        ------
        ValueError
            If ``scp_statements.csv`` lacks the ``diagnostic`` or ``diagnostic_class``
            column (read by :meth:`superclass_labels`).
        """
        path = self.root / "scp_statements.csv"
        st = pd.read_csv(path, index_col=0)
        missing = sorted({"diagnostic", "diagnostic_class"} - set(st.columns))
        if missing:
            raise ValueError(
                f"{path} lacks columns {missing}; expected the PTB-XL SCP table (index: SCP "
                "code; columns diagnostic (1 for a diagnostic statement) and diagnostic_class)"
            )
        return st

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
        col = self._filename_column(fs)
        return self.root / str(self._meta.at[ecg_id, col])  # no copy of the table per record

    def available(self, fs: int = 100) -> list[int]:
        """``ecg_id`` of the records whose signal files exist at ``fs`` Hz."""
        fs = self._check_fs(fs)
        meta = self.metadata()
        col = self._filename_column(fs)
        return [
            int(i)
            for i, f in zip(meta.index, meta[col], strict=True)
            if (self.root / f"{f}.hea").is_file()
        ]

    def _filename_column(self, fs: int) -> str:
        """``filename_lr`` (100 Hz) or ``filename_hr`` (500 Hz), checked to be in the table."""
        col = {100: "filename_lr", 500: "filename_hr"}[fs]
        if self._meta is None:
            self.metadata()
        if col not in self._meta.columns:
            raise ValueError(
                f"{self.root / 'ptbxl_database.csv'} has no {col} column, which gives the "
                f"record paths of the {fs}-Hz release (records{fs}/...); read the release "
                "whose column is there or restore the column"
            )
        return col

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
        signal = rec.signal
        if rec.lead_names and tuple(rec.lead_names) != LEADS:  # any header order/spelling
            from ..leads import canonical_order

            signal = signal[canonical_order(rec.lead_names, LEADS)][:, : 10 * fs]
        if signal.shape != (len(LEADS), 10 * fs):
            raise ValueError(
                f"PTB-XL record {ecg_id} has shape {rec.signal.shape}, expected "
                f"({len(LEADS)}, {10 * fs})"
            )
        return signal

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


def _parse_database(path: Path) -> pd.DataFrame:
    """``ptbxl_database.csv`` indexed by ``ecg_id``, with the columns every reader needs checked.

    Raises
    ------
    ValueError
        Naming the file and what is expected: no ``ecg_id`` column, a required column
        missing, ``ecg_id`` repeated, an ``scp_codes`` cell that is not a dict literal
        (``{'NORM': 100.0}``) or an ``age`` that is not a number (years).
    """
    df = pd.read_csv(path)
    required = {"ecg_id", "patient_id", "age", "sex", "scp_codes", "strat_fold", "filename_lr"}
    missing = required - set(df.columns)
    if "filename_lr" in missing and "filename_hr" in df.columns:
        missing.discard("filename_lr")  # a table of the 500-Hz release only
    if missing:
        raise ValueError(
            f"{path} lacks columns {sorted(missing)}; expected the PTB-XL metadata columns "
            f"{sorted(required)} (filename_hr too for the 500-Hz release)"
        )
    ids = df["ecg_id"]
    if ids.isna().any() or ids.duplicated().any():
        bad = ids[ids.isna() | ids.duplicated(keep=False)].unique().tolist()[:10]
        raise ValueError(f"{path}: ecg_id must be unique and present in every row, got {bad}")
    df = df.set_index("ecg_id")
    codes = []
    for i, text in zip(df.index, df["scp_codes"], strict=True):
        try:
            value = ast.literal_eval(text) if isinstance(text, str) else None
        except (ValueError, SyntaxError):
            value = None
        if not isinstance(value, dict):
            raise ValueError(
                f"{path}: scp_codes of ecg_id {i} is {text!r}; expected a dict of SCP code "
                "to likelihood such as {'NORM': 100.0} ({} for none)"
            )
        codes.append(value)
    df["scp_codes"] = codes
    age = pd.to_numeric(df["age"], errors="coerce")
    bad_age = df.index[age.isna() & df["age"].notna()].tolist()
    if bad_age:
        raise ValueError(
            f"{path}: age of ecg_id {bad_age[:10]} is not a number; expected years "
            "(empty when unknown)"
        )
    df["age"] = age
    df.loc[df["age"] >= 300, "age"] = np.nan  # v1.0.2+ stores ages over 89 as 300
    df["patient_id"] = df["patient_id"].astype("Int64")
    return df
