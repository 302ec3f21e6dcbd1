"""``FeatureSet``: the base class of the cohort feature sets (see
:mod:`geoecg.cohort.feature_sets`, its public path, for the named sets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ._record import RecordData

__all__ = ["FeatureSet"]


class FeatureSet:
    """Base class of a named feature set (parameters only; stateless).

    Subclasses define :attr:`name`, :meth:`columns` and :meth:`compute_one` (and may
    override :meth:`compute` to batch the records of a chunk). :attr:`uses` names the
    :class:`RecordData` intermediates the set reads (``"rpeaks"``, ``"lead_rpeaks"``,
    ``"band_decimated"``): the chunk computes those of all its sets in one call per record
    (:meth:`RecordData.precompute`) before the sets run; a set that leaves it empty still
    gets any intermediate it reads, computed when first read.

    Examples
    --------
    >>> from geoecg.cohort import FEATURE_SETS
    >>> sorted(FEATURE_SETS)  # the named sets; extract_features takes names or instances
    ['af', 'covariance', 'delineation', 'hrv', 'morphology', 'noise', 'rpeaks', 'sqi', 'tangent']
    >>> FEATURE_SETS["rpeaks"]().columns(("II",))[:2]  # (column, unit) pairs
    [('n_beats', 'count'), ('heart_rate_bpm', 'bpm')]
    """

    name = "base"
    uses: tuple[str, ...] = ()

    def params(self) -> dict:
        """Parameters that change the values (part of the run's fingerprint)."""
        return {}

    def columns(self, leads: tuple[str, ...]) -> list[tuple[str, str]]:  # pragma: no cover
        """``(column name, unit)`` pairs for a run whose records have ``leads``."""
        raise NotImplementedError

    def compute_one(self, rec: RecordData) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def prepare(self, rec: RecordData) -> bool:
        """Called for each record of a chunk, while its signal is in memory, by a set that
        overrides :meth:`compute`: compute what :meth:`compute` needs (cached on ``rec``).
        True when :meth:`compute` and :meth:`compute_one` then no longer need
        ``rec.signal``, so the chunk can release it (default False: kept)."""
        return False

    def compute(self, recs: list[RecordData]) -> np.ndarray:
        """Rows for the records of a chunk (default: :meth:`compute_one` per record)."""
        return np.array([self.compute_one(r) for r in recs], dtype=np.float64)

    def __repr__(self) -> str:
        p = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({p})"
