"""Extra 12-lead training records from another database (registered attempt, session 24).

From one lead, the neighbour-weighted maps and templates of
:class:`geoecg.leads.LeadReconstructor` draw on a bank of training patients, and inside PTB-XL
folds 1-8 the single-lead figure rose with every doubling of that bank (session 6, item 4 of
the leads history). :class:`ExtraRecordsReconstructor` fits a reconstructor on the training
records **plus** a fixed set of other patients' 12-lead records (their population map, their
own maps in the neighbour bank, their median beats among the templates), and
:func:`ludb_training_records` supplies such records from LUDB (10 s, 12 leads, 500 Hz,
resampled and band-passed like the PTB-XL records of the bench). Private while it is an
attempt (docs: benchmarks/leads, "Registered before scoring (session 24)").
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone

from .names import STANDARD_LEADS
from .reconstruct import LeadReconstructor

__all__ = ["LUDB_SUBSETS", "ludb_training_records", "ExtraRecordsReconstructor"]

#: Which LUDB records :func:`ludb_training_records` returns: every placed record, or those
#: whose every rhythm line starts with "Sinus" and that have no cardiac pacing.
LUDB_SUBSETS = ("all", "sinus")


def _is_sinus(meta: dict) -> bool:
    lines = [s.strip() for s in meta.get("Rhythms", "").splitlines() if s.strip()]
    return (
        bool(lines)
        and all(s.startswith("Sinus") for s in lines)
        and not meta.get("Cardiac pacing", "")
    )


def ludb_training_records(root, fs=100.0, *, subset="all", band=(0.5, 40.0), n_samples=None):
    """LUDB records as 12-lead training records in mV, standard lead order.

    Parameters
    ----------
    root : path-like
        The LUDB folder (see :class:`geoecg.io.LUDB`).
    fs : float, default 100.0
        Sampling rate (Hz) of the returned records (polyphase resampling from 500 Hz).
    subset : {"all", "sinus"}, default "all"
        :data:`LUDB_SUBSETS`: every record, or sinus rhythms without pacing (by ``ludb.csv``).
    band : (float, float) or None, default (0.5, 40.0)
        Band-pass edges (Hz) applied after resampling (order-2 zero-phase Butterworth, as the
        bench filters PTB-XL); None keeps the resampled signal.
    n_samples : int, optional
        Crop (or pad with the last sample) every record to this length.

    Returns
    -------
    X : ndarray, shape (n_records, 12, n_samples)
        Signals (mV; LUDB's raw ADC values / 1000, whose Einthoven relation holds to the 1-µV
        quantisation).
    names : list of str
        Record names, in the order of ``X``.

    Raises
    ------
    ValueError
        ``subset`` not in :data:`LUDB_SUBSETS`, ``fs`` not a positive finite number, or no
        record selected.
    """
    from ..io import LUDB
    from ..signal import bandpass, resample

    if subset not in LUDB_SUBSETS:
        raise ValueError(f"subset must be one of {LUDB_SUBSETS}, got {subset!r}")
    if not (isinstance(fs, (int, float)) and np.isfinite(fs) and fs > 0):
        raise ValueError(f"fs must be a positive finite number of Hz, got {fs!r}")
    db = LUDB(root)
    names, sigs = [], []
    for name in db.records():
        if subset == "sinus" and not _is_sinus(db.metadata(name)):
            continue
        rec = db.read(name, units="raw")
        x = np.asarray(resample(rec.signal, rec.fs, float(fs)), dtype=float)
        if band is not None:
            x = bandpass(x, float(fs), band[0], band[1], order=2)
        names.append(name)
        sigs.append(x)
    if not sigs:
        raise ValueError(f"no LUDB record in {root} for subset={subset!r}")
    n = min(s.shape[-1] for s in sigs) if n_samples is None else int(n_samples)
    out = np.empty((len(sigs), len(STANDARD_LEADS), n))
    for i, s in enumerate(sigs):
        m = min(n, s.shape[-1])
        out[i, :, :m] = s[:, :m]
        out[i, :, m:] = s[:, m - 1 : m]
    return out, names


class ExtraRecordsReconstructor(TransformerMixin, BaseEstimator):
    """A lead reconstructor fitted on the training records plus fixed extra records.

    Parameters
    ----------
    base : LeadReconstructor
        The reconstructor to fit (cloned; e.g. the single-lead default of the bench).
    extra : ndarray, shape (n_extra, 12, n_samples), optional
        12-lead records (mV, standard lead order, the training records' length and rate)
        appended to every ``fit``; None or 0 records fit the base alone (bit for bit).

    Attributes
    ----------
    base_ : LeadReconstructor
        The fitted reconstructor.
    n_extra_ : int
        Extra records given to ``fit`` (before the base's own checks).

    Raises
    ------
    ValueError
        ``base`` is not a :class:`LeadReconstructor`; ``extra`` is not a 3-D array of 12 leads
        with the training records' number of samples.

    Examples
    --------
    >>> import numpy as np
    >>> from geoecg.leads import LeadReconstructor
    >>> rng = np.random.default_rng(0)
    >>> X, E = rng.standard_normal((6, 12, 200)), rng.standard_normal((3, 12, 200))
    >>> m = ExtraRecordsReconstructor(LeadReconstructor(("II",)), extra=E).fit(X)
    >>> m.n_extra_, m.transform(X).shape
    (3, (6, 12, 200))
    """

    def __init__(self, base=None, extra=None):
        self.base = base
        self.extra = extra

    def fit(self, X, y=None, fs=None):
        """Fit ``clone(base)`` on ``X`` and ``extra`` together; returns self.

        Parameters
        ----------
        X : array_like, shape (n_records, 12, n_samples)
            Training records (mV), as :meth:`LeadReconstructor.fit` reads them.
        y : ignored
        fs : float, optional
            Sampling rate (Hz), passed on to the base.
        """
        if not isinstance(self.base, LeadReconstructor):
            raise ValueError(f"base must be a LeadReconstructor, got {type(self.base).__name__}")
        X = LeadReconstructor._as_array(X)
        E = None
        if self.extra is not None:
            E = LeadReconstructor._as_array(self.extra, name="extra")
            if E.shape[0] and (E.shape[1] != len(STANDARD_LEADS) or E.shape[2] != X.shape[2]):
                raise ValueError(
                    f"extra must have shape (n_extra, 12, {X.shape[2]}) like the training "
                    f"records, got {E.shape}"
                )
        self.n_extra_ = 0 if E is None else int(E.shape[0])
        if self.n_extra_:
            X = np.concatenate([X, E], axis=0)
        self.base_ = clone(self.base).fit(X, fs=fs)
        return self

    def transform(self, X, fs=None):
        """All 12 leads ``(n_records, 12, n_samples)`` in mV (the fitted base's transform).

        Parameters
        ----------
        X : array_like, shape (n_records, 12 or n_source, n_samples)
            Records (mV).
        fs : float, optional
            Sampling rate (Hz), checked by the base.
        """
        return self.base_.transform(X, fs=fs)

    @property
    def invalid_records_(self):
        """Records of the last ``transform`` that the base found invalid."""
        return self.base_.invalid_records_

    def score_leads(self, X, *, reconstructed=None, fs=None):
        """The fitted base's :meth:`LeadReconstructor.score_leads`."""
        return self.base_.score_leads(X, reconstructed=reconstructed, fs=fs)
