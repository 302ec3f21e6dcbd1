"""PhysioNet/CinC Challenge 2017 (single-lead AliveCor, 300 Hz): records and N/A/O/~ labels.

Label files understood, first found wins for ``version="auto"``: ``REFERENCE-v3.csv``
(final post-challenge labels), ``REFERENCE.csv`` (the file shipped in ``training2017/``),
``labels.csv`` (columns ``record,label_v3,label_v2,label_v1``).

Which records: the folder's ``RECORDS`` file when present (PhysioNet convention, as
:func:`geoecg.io.paths.list_records` reads it for MIT-BIH: names it lists without a header are
left out with a warning naming them; headers it does not list are not records of the
database), else every ``A*.hea``. Records without a label are left out of :meth:`CinC2017.load`
with a warning giving their count and first names (``unlabeled="keep"`` keeps them with label
NaN, as ``geoecg extract`` does). :meth:`CinC2017.records`, :meth:`CinC2017.labelled_records`
and :meth:`CinC2017.load` give records sorted by name whatever the label file's order
(:meth:`CinC2017.labels` keeps that order).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import database_dir
from .record import ECGRecord, read_record

__all__ = ["CLASSES", "LEADS", "CinC2017"]

#: CinC 2017 record labels: N normal rhythm, A atrial fibrillation, O other rhythm, ~ noisy.
CLASSES = ("N", "A", "O", "~")
#: Standard name of the single AliveCor lead (header name ``ECG``): recorded between the
#: two hands, it reads as lead I (:data:`geoecg.leads.STANDARD_LEADS`).
LEADS = ("I",)


class CinC2017:
    """Adapter for a CinC 2017 folder (``A0xxxx.hea`` + ``.mat`` and a label file).

    Parameters
    ----------
    root : path-like, optional
        The folder (or its parent holding ``training2017/``). Default
        ``$GEOECG_DATA/cinc2017``.

    Examples
    --------
    >>> from geoecg.datasets import sample_cinc2017_dir
    >>> db = CinC2017(sample_cinc2017_dir())
    >>> sorted(db.labels().unique())
    ['A', 'N', 'O', '~']
    >>> rec = db.read(db.records()[0])
    >>> rec.fs, rec.n_leads
    (300.0, 1)
    """

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = database_dir("cinc2017", root, marker="A*.hea")
        if not any(self.root.glob("A*.hea")):
            sub = self.root / "training2017"
            if sub.is_dir():
                self.root = sub

    def label_source(self, version: str = "auto") -> dict:
        """The label file that :meth:`labels` reads for ``version`` (first found wins).

        Parameters
        ----------
        version : {"auto", "v3", "v2", "v1"}
            As in :meth:`labels`.

        Returns
        -------
        dict
            ``{"path": str, "column": str or None}``: the file (in the folder or its parent)
            and, for ``labels.csv``, the column read (``None`` for a two-column
            ``record,label`` file such as ``REFERENCE-v3.csv``). Held-out runs record it so
            that a report says which label version scored the records.

        Raises
        ------
        ValueError
            If ``version`` is not one of the four names.
        FileNotFoundError
            If no label file of ``version`` is in the folder or its parent.
        """
        candidates = {
            "v3": [("REFERENCE-v3.csv", None), ("labels.csv", "label_v3")],
            "v2": [("labels.csv", "label_v2"), ("REFERENCE.csv", None)],
            "v1": [("labels.csv", "label_v1"), ("REFERENCE-original.csv", None)],
        }
        if version == "auto":
            order = candidates["v3"] + [("REFERENCE.csv", None)]
        elif version in candidates:
            order = candidates[version]
        else:
            raise ValueError(f"version must be 'auto', 'v3', 'v2' or 'v1', got {version!r}")
        for fname, col in order:
            for folder in (self.root, self.root.parent):
                if (folder / fname).is_file():
                    return {"path": str(folder / fname), "column": col}
        raise FileNotFoundError(
            f"no CinC 2017 label file for version={version!r} in {self.root}: expected "
            "REFERENCE-v3.csv, REFERENCE.csv or labels.csv"
        )

    def labels(self, version: str = "auto") -> pd.Series:
        """Labels indexed by record name, in the label file's order.

        Parameters
        ----------
        version : {"auto", "v3", "v2", "v1"}
            ``v3``: final labels; ``v2``: labels at challenge time; ``v1``: original. The
            file read is :meth:`label_source`.
        """
        src = self.label_source(version)
        path, col = Path(src["path"]), src["column"]
        if col is None:
            s = pd.read_csv(path, header=None, names=["record", "label"], index_col=0)
            s = s["label"]
            if len(s) and s.iloc[0] not in CLASSES and set(s.iloc[1:]) <= set(CLASSES):
                s = s.iloc[1:]  # a column-name row ("Record,Label") added by hand
        else:
            s = pd.read_csv(path, index_col=0)[col]
        s.index = s.index.astype(str)
        bad = set(s.unique()) - set(CLASSES)
        if bad:
            raise ValueError(f"{path}: unknown labels {sorted(bad)}; expected {CLASSES}")
        present = set(self._present(warn=False))
        return s[s.index.isin(present)].rename("label")

    def records(self) -> list[str]:
        """Names of the records present (sorted).

        With a ``RECORDS`` file in the folder, the records it lists whose ``.hea`` is
        present (a listed record without one is left out with a ``UserWarning`` naming it;
        a header it does not list is not read, as for MIT-BIH; a ``RECORDS`` that names no
        present record is ignored); without one, every ``A*.hea``.
        """
        return self._present(warn=True)

    def _present(self, *, warn: bool) -> list[str]:
        rec_file = self.root / "RECORDS"
        listed = rec_file.read_text().split() if rec_file.is_file() else []
        present = sorted({n for n in listed if (self.root / f"{n}.hea").is_file()})
        if not present:  # no RECORDS, or one naming no present record: ignored
            return sorted(p.stem for p in self.root.glob("A*.hea"))
        absent = [n for n in listed if n not in set(present)]
        if absent and warn:
            warnings.warn(
                f"{rec_file} lists {len(absent)} record(s) without a header in the folder, "
                f"left out: {absent[:5]}{' ...' if len(absent) > 5 else ''} (an incomplete "
                f"download?); {len(present)} record(s) listed",
                UserWarning,
                stacklevel=3,
            )
        return present

    def labelled_records(self, version: str = "auto") -> list[str]:
        """Names of the present records that have a label in ``version``'s file (sorted).

        Present records (:meth:`records`) without a label are left out with a
        ``UserWarning`` giving their count and first five names (a label file of another
        release or subset, or a record added by hand). The AF benches read their records
        through it (:func:`geoecg.estimators.af.protocols.load_cinc_matrix`).

        Parameters
        ----------
        version : {"auto", "v3", "v2", "v1"}
            As in :meth:`labels`.

        Returns
        -------
        list of str
        """
        labels = self.labels(version)
        names = self.records()
        self._warn_unlabeled([n for n in names if n not in labels.index], version)
        return [n for n in names if n in labels.index]

    def _warn_unlabeled(self, missing: list[str], version: str) -> None:
        if missing:
            warnings.warn(
                f"{len(missing)} record(s) in {self.root} have no label in "
                f"{self.label_source(version)['path']}, left out: {missing[:5]}"
                f"{' ...' if len(missing) > 5 else ''} (CinC2017.load(unlabeled='keep') "
                "keeps them with label NaN)",
                UserWarning,
                stacklevel=3,
            )

    #: Standard lead names of the signals (see :data:`LEADS`).
    leads = LEADS

    def read(self, name: str) -> ECGRecord:
        """Read one record (signal ``(1, n_samples)`` in mV at 300 Hz)."""
        return read_record(self.root / name, annotator=None)

    def load(
        self, names=None, version: str = "auto", *, unlabeled: str = "warn"
    ) -> tuple[list[np.ndarray], np.ndarray]:
        """Load records as a list of ``(1, n_samples)`` arrays and their labels.

        Records differ in length (9-61 s), so they travel as a list, per the geoecg
        signal contract.

        Parameters
        ----------
        names : sequence of str, optional
            Records to load, in the order given. Default: the labelled records sorted by
            name, as :meth:`labelled_records` gives them (whatever the label file's order;
            before session 21 the label file's order).
        version : {"auto", "v3", "v2", "v1"}
            Label version, as in :meth:`labels`.
        unlabeled : {"warn", "keep"}, default "warn"
            Records without a label. ``"warn"``: with ``names=None`` they are left out with
            a ``UserWarning`` giving their count and first five names; a record of
            ``names`` without one raises ``ValueError`` naming it. ``"keep"``: loaded, with
            label NaN (as ``geoecg extract`` writes it), after the labelled ones (sorted)
            when ``names=None``.

        Returns
        -------
        X : list of ndarray, each shape (1, n_samples)
            Signals in mV at 300 Hz.
        y : ndarray of object
            ``"N"``, ``"A"``, ``"O"``, ``"~"`` (NaN for a kept unlabeled record).
        """
        if unlabeled not in ("warn", "keep"):
            raise ValueError(f"unlabeled must be 'warn' or 'keep', got {unlabeled!r}")
        labels = self.labels(version)
        if names is None:  # sorted (records() is), as labelled_records() gives them
            present = self.records()
            missing = [n for n in present if n not in labels.index]
            if unlabeled == "warn":
                self._warn_unlabeled(missing, version)
            names = [n for n in present if n in labels.index]
            names += missing if unlabeled == "keep" else []
        else:
            names = [str(n) for n in names]
            missing = [n for n in names if n not in labels.index]
            if missing and unlabeled == "warn":
                raise ValueError(
                    f"{len(missing)} of the records asked for have no label in "
                    f"{self.label_source(version)['path']}: {missing[:5]}"
                    f"{' ...' if len(missing) > 5 else ''}; pass unlabeled='keep' to load "
                    "them with label NaN, or names from labelled_records()"
                )
        X = [self.read(n).signal for n in names]
        return X, labels.reindex(names).to_numpy()

    def signals(self, names=None) -> Sequence[np.ndarray]:
        """The lead of each record (1-D, mV), read only when indexed.

        A sequence (``len``, indexing, iteration) that holds no signal: code that caches
        per record (:func:`geoecg.features.af.af_feature_matrix`) reads a record only on a
        cache miss, and memory stays one record whatever the folder's size.
        """
        return _LazySignals(self, self.records() if names is None else [str(n) for n in names])

    def content_keys(self, names=None) -> list[str]:
        """One cache key per record: its name and a digest of its files' bytes.

        The digest (BLAKE2b, 128 bits) covers the record's ``.mat`` and ``.hea``, so a
        feature cache stays valid when the folder is copied, moved or its files touched
        (a key made of path, size and modification time missed every row after a copy
        that reset the times), and misses when a signal or its header changes. A missing
        file hashes as empty. Reads every file once: about 0.1 s per 1,000 records from a
        warm disk.

        Parameters
        ----------
        names : sequence of str, optional
            Record names (default: :meth:`records`).

        Returns
        -------
        list of str
            ``"<name>|<32 hex digits>"`` per record, in the order of ``names``.
        """
        root = Path(self.root)
        keys = []
        for n in self.records() if names is None else names:
            digest = hashlib.blake2b(digest_size=16)
            for ext in (".mat", ".hea"):
                path = root / f"{n}{ext}"
                digest.update(path.read_bytes() if path.exists() else b"")
                digest.update(b"\0")
            keys.append(f"{n}|{digest.hexdigest()}")
        return keys

    def iter_records(self, names=None) -> Iterator[ECGRecord]:
        """Yield records one at a time (lazy)."""
        for n in self.records() if names is None else names:
            yield self.read(n)

    @property
    def fs(self) -> float:
        """Sampling frequency in Hz (300 for the challenge data)."""
        first = next(iter(self.records()), None)
        if first is None:
            raise FileNotFoundError(f"no A*.hea records in {self.root}")
        return read_record(Path(self.root) / first, annotator=None, sampto=1).fs


class _LazySignals(Sequence):
    """Lead 0 of named records of a :class:`CinC2017` folder, read on access."""

    def __init__(self, db: CinC2017, names: list[str]):
        self._db, self._names = db, names

    def __len__(self) -> int:
        return len(self._names)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self._db.read(self._names[i]).signal[0]
