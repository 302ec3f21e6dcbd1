"""Neighbour-weighted patient maps: one lead to the others through similar training records.

The map from one lead to the other eleven is patient-specific (calibrated on a patient's
own 12 leads, one lead gives r 0.93), and a population map stops near 0.75-0.80.
:class:`geoecg.leads.LeadReconstructor` with ``map_neighbors=k`` keeps a library of
patient maps: every training record gets its own map from the source lead to the missing
leads (the reconstructor's design: taps, ``|x|`` columns, one map per beat phase shrunk
towards the record's pooled map), fitted on its whole 12-lead record, and a descriptor of
its source lead alone (:func:`source_descriptors`). A new record, of which only the source
lead is known, gets the similarity-weighted average of the maps of its ``k`` nearest
training records by descriptor (maps are linear: this is the weighted average of their
outputs), applied to its own source lead, and blended with the population prediction
(weight :data:`MAP_WEIGHT`).

The settings (beat-phase maps, the ``shape+`` descriptor, k = 20, Gaussian weights, weight
0.5) were chosen among 128 candidates by a 3-fold patient-grouped CV inside PTB-XL folds
1-8 (docs: benchmarks/leads_history, "Registered before scoring (session 6)").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MAP_WEIGHT", "NeighbourMaps", "source_descriptors", "fit_neighbour_maps"]

#: Weight of the neighbour maps' prediction against the population prediction.
MAP_WEIGHT = 0.5
#: QRS-width span around the R-peak of the median beat (s): before, after.
QRS_SPAN_S = (0.10, 0.12)
#: Fraction of the span's largest absolute value that delimits the QRS width.
QRS_LEVEL = 0.3


def source_descriptors(beats, peaks, fs, pre):
    """Label-free descriptor of one source lead per record.

    Parameters
    ----------
    beats : ndarray, shape (n_records, n_window)
        Median source beat (mV), R-peak at sample ``pre`` of the window.
    peaks : list of ndarray of int
        R-peaks per record (sample indices).
    fs : float
        Sampling frequency, Hz.
    pre : int
        Samples of the window before the R-peak.

    Returns
    -------
    shape : ndarray, shape (n_records, n_window)
        The median beat divided by its RMS.
    scalars : ndarray, shape (n_records, 3)
        log RMS of the median beat (log mV), median RR (s) and QRS width (s): the span
        within -0.10 .. +0.12 s of the R-peak where the absolute median beat exceeds 30 %
        of its largest value there.
    ok : ndarray of bool, shape (n_records,)
        Records with a median beat, two R-peaks and a positive RMS (the others are NaN).
    """
    b = np.asarray(beats, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        rms = np.sqrt((b**2).mean(axis=1))
        shape = b / rms[:, None]
        log_rms = np.log(rms)
    rr = np.array([np.median(np.diff(p)) / fs if len(p) > 1 else np.nan for p in peaks])
    lo, hi = pre - int(round(QRS_SPAN_S[0] * fs)), pre + int(round(QRS_SPAN_S[1] * fs))
    width = np.full(len(b), np.nan)
    for i in np.flatnonzero(np.isfinite(b).all(axis=1)):
        a = np.abs(b[i, max(lo, 0) : hi])
        above = np.flatnonzero(a > QRS_LEVEL * a.max())
        if above.size:
            width[i] = (above[-1] - above[0] + 1) / fs
    scalars = np.column_stack([log_rms, rr, width])
    ok = np.isfinite(shape).all(axis=1) & np.isfinite(scalars).all(axis=1)
    return shape, scalars, ok


@dataclass(frozen=True)
class NeighbourMaps:
    """The library of patient maps of a fitted reconstructor (``map_neighbors``).

    Attributes
    ----------
    shape : ndarray, shape (n_bank, n_window)
        Descriptor shapes of the training records kept.
    z : ndarray, shape (n_bank, 3)
        Their scalar descriptors, z-scored with ``mu`` and ``sd``.
    coef : ndarray, shape (n_bank, n_features, n_target)
        Each record's pooled map.
    phase_coef : ndarray, shape (n_bank, n_phases, n_features, n_target) or None
        Each record's beat-phase maps.
    mu, sd : ndarray, shape (3,)
        Mean and SD of the scalar descriptors over the bank.
    shape_scale, z_scale : float
        Mean squared distance between two bank records of each block (each block is divided
        by its own, so that both weigh alike).
    """

    shape: np.ndarray
    z: np.ndarray
    coef: np.ndarray
    phase_coef: np.ndarray | None
    mu: np.ndarray
    sd: np.ndarray
    shape_scale: float
    z_scale: float

    def distances(self, shape, scalars):
        """Squared descriptor distances ``(n, n_bank)`` of new records to the bank."""
        z = (scalars - self.mu) / self.sd
        ds = (shape**2).sum(1)[:, None] + (self.shape**2).sum(1)[None] - 2 * shape @ self.shape.T
        dz = (z**2).sum(1)[:, None] + (self.z**2).sum(1)[None] - 2 * z @ self.z.T
        return np.maximum(ds, 0) / self.shape_scale + np.maximum(dz, 0) / self.z_scale


def fit_neighbour_maps(rec, X, P, shape, scalars, ok, prior_strength):
    """Fit every training record's own map and keep the library (:class:`NeighbourMaps`).

    Parameters
    ----------
    rec : LeadReconstructor
        The reconstructor being fitted (its design, ``alpha`` and solvers are used).
    X : ndarray, shape (n_records, 12, n_samples)
        Training records (mV).
    P : ndarray of int, shape (n_records, n_samples) or None
        Beat phase per sample.
    shape, scalars, ok : ndarray
        :func:`source_descriptors` of the training records.
    prior_strength : float
        Pull of each record's pooled map on its beat-phase maps.

    Returns
    -------
    NeighbourMaps or None
        None when fewer than 2 records have a descriptor.
    """
    keep = np.flatnonzero(ok)
    if keep.size < 2:
        return None
    W, PW = [], []
    for j in keep:
        G, B = rec._gram(X[j : j + 1], None if P is None else P[j : j + 1])
        W.append(rec._solve(G[0], B[0], rec.alpha))
        if P is not None:
            PW.append(rec._solve_phases(G, B, rec.alpha, prior_strength))
    sc = scalars[keep]
    mu, sd = sc.mean(axis=0), sc.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    z = (sc - mu) / sd
    sh = shape[keep]
    return NeighbourMaps(
        shape=sh,
        z=z,
        coef=np.stack(W),
        phase_coef=np.stack(PW) if P is not None else None,
        mu=mu,
        sd=sd,
        shape_scale=max(2.0 * float(sh.var(axis=0).sum()), 1e-12),
        z_scale=max(2.0 * float(z.var(axis=0).sum()), 1e-12),
    )


def blend_neighbour_maps(rec, bank, pred, S, P, shape, scalars, ok, k, exclude=None):
    """Blend the neighbours' maps' prediction into ``pred`` (in place; returns it).

    Parameters
    ----------
    rec : LeadReconstructor
        The fitted reconstructor (design and ``_predict``).
    bank : NeighbourMaps
    pred : ndarray, shape (n_records, n_target, n_samples)
        Population prediction (modified for records with a descriptor).
    S : ndarray, shape (n_records, 1, n_samples)
        Source lead (mV).
    P : ndarray of int or None
        Beat phase per sample.
    shape, scalars, ok : ndarray
        :func:`source_descriptors` of the records.
    k : int
        Neighbours (at most the bank's size, minus an excluded record).
    exclude : ndarray of int, optional
        Bank row to leave out per record (the record itself in fit; -1 for none).
    """
    rows = np.flatnonzero(ok)
    for a in range(0, rows.size, 256):
        idx = rows[a : a + 256]
        D = bank.distances(shape[idx], scalars[idx])
        for d, i in zip(D, idx, strict=True):
            if exclude is not None and exclude[i] >= 0:
                d[exclude[i]] = np.inf
            kk = min(int(k), int(np.isfinite(d).sum()))
            if kk < 1:
                continue
            nn = np.argpartition(d, kk - 1)[:kk]
            dk = d[nn].max()
            w = np.exp(-d[nn] / dk) if dk > 0 else np.ones(kk)
            w /= w.sum()
            W = np.tensordot(w, bank.coef[nn], axes=1)
            PW = None if bank.phase_coef is None else np.tensordot(w, bank.phase_coef[nn], axes=1)
            nb = rec._predict(S[i : i + 1], W, PW, None if P is None else P[i : i + 1])[0]
            pred[i] = (1.0 - MAP_WEIGHT) * pred[i] + MAP_WEIGHT * nb
    return pred
